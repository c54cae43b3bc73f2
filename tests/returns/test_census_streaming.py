"""The census is written as it is read (issue 13, "Speed"): the streamed XML is byte for
byte what the in-memory ElementTree writer produced before it on the same fixture
(``census_streaming_2027.xml`` was written by that writer, child ids numbered in order)."""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest

from convene.people.models import Child
from convene.returns.cin import CensusYear, census_xml, write_census
from tests.returns.test_cin_census import partnership_year  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 4, 2, 9, 30, 15)
EXPECTED = Path(__file__).with_name("census_streaming_2027.xml")


def _stable(xml: bytes) -> str:
    """Child ids and birth dates differ from run to run: ids are numbered in the order they
    appear, birth dates checked against the children apart."""
    seen: dict[str, str] = {}
    text = re.sub(
        r"CNV\d+", lambda m: seen.setdefault(m.group(0), f"CNV-{len(seen) + 1}"), xml.decode()
    )
    return re.sub(r"<PersonBirthDate>[\d-]+<", "<PersonBirthDate>DOB<", text)


def _birth_dates(xml: bytes) -> list[str]:
    found = re.findall(rb"<LAchildID>CNV(\d+)<.*?<PersonBirthDate>([\d-]+)<", xml, re.S)
    return [f"{Child.objects.get(pk=int(pk)).date_of_birth} {day.decode()}" for pk, day in found]


def test_streamed_census_equals_the_in_memory_writers_output(partnership_year):  # noqa: F811
    out = BytesIO()
    children = write_census(out, partnership=partnership_year, year=CensusYear(2027), now=NOW)
    assert children == 3
    assert _stable(out.getvalue()) == EXPECTED.read_text()
    assert [pair.split()[0] == pair.split()[1] for pair in _birth_dates(out.getvalue())] == [
        True
    ] * 3
    assert census_xml(partnership=partnership_year, year=CensusYear(2027), now=NOW) == (
        out.getvalue()
    )


def test_a_year_with_no_enquiry_is_an_empty_children_element(partnership_year):  # noqa: F811
    xml = census_xml(partnership=partnership_year, year=CensusYear(2020), now=NOW).decode()
    # What ElementTree writes for an element with no children.
    assert xml.endswith("  </Header>\n  <Children />\n</Message>")


def _elementtree_child(child, s47s) -> bytes:
    """``cin._child_block`` as it was, built with ElementTree (the reference)."""
    import xml.etree.ElementTree as ET
    from collections import defaultdict

    from convene.people.models import Sex
    from convene.people.vocab import AgencyKind
    from convene.returns.cin import _REFERRAL_SOURCE, _SEX
    from convene.workdays import london_date

    def text(parent, tag, value):
        if value:
            ET.SubElement(parent, tag).text = value

    node = ET.Element("Child")
    ids = ET.SubElement(node, "ChildIdentifiers")
    text(ids, "LAchildID", f"CNV{child.pk}")
    if child.date_of_birth:
        text(ids, "PersonBirthDate", child.date_of_birth.isoformat())
    elif child.expected_date_of_delivery:
        text(ids, "ExpectedPersonBirthDate", child.expected_date_of_delivery.isoformat())
    text(ids, "Sex", _SEX.get(Sex(child.sex), "U"))
    chars = ET.SubElement(node, "ChildCharacteristics")
    eth = child.ethnicity.strip().upper()
    text(chars, "Ethnicity", eth if len(eth) == 4 and eth.isalpha() else "NOBT")
    if not child.disability.strip():
        ET.SubElement(ET.SubElement(chars, "Disabilities"), "Disability").text = "NONE"
    by_referral = defaultdict(list)
    for found in s47s:
        by_referral[found[0].referral_id].append(found)
    for _referral, found in sorted(by_referral.items()):
        _, received_at, kind = found[0]
        cin = ET.SubElement(node, "CINdetails")
        text(cin, "CINreferralDate", london_date(received_at).isoformat())
        text(cin, "ReferralSource", _REFERRAL_SOURCE.get(AgencyKind(kind), "8") if kind else "1A")
        text(cin, "ReferralNFA", "0")
        for row, _, _ in found:
            s47 = ET.SubElement(cin, "Section47")
            text(s47, "S47ActualStartDate", row.start.isoformat())
            text(s47, "InitialCPCtarget", row.target.isoformat())
            text(s47, "DateOfInitialCPC", row.icpc.isoformat() if row.icpc else None)
            text(s47, "ICPCnotRequired", "1" if row.not_required else "0")
    ET.indent(node, level=2)
    return ET.tostring(node, encoding="unicode").encode()


@pytest.mark.parametrize(
    ("born", "due", "sex", "ethnicity", "disability", "kinds"),
    [
        ("2015-04-01", None, "female", "wbri", "", ["school"]),
        (None, "2027-05-01", "male", " Mixed heritage ", "Autism", [None, "police"]),
        (None, None, "unknown", "ÉTHN", "", ["health_gp", "health_gp", "other"]),
    ],
)
def test_each_childs_block_is_what_elementtree_wrote(born, due, sex, ethnicity, disability, kinds):
    """Formatted directly since December 2026 (a third of the time): the same bytes as the
    ElementTree elements for every branch (birth date or expected date or neither, a sex,
    a code or free text, a disability or none, one referral or several, public or agency,
    a conference held or not, ICPC not required)."""
    from datetime import UTC, date, timedelta

    from convene.returns.cin import S47Row, _child_block, _ChildFacts

    child = _ChildFacts(
        7,
        date.fromisoformat(born) if born else None,
        date.fromisoformat(due) if due else None,
        sex,
        ethnicity,
        disability,
    )
    start = date(2026, 6, 1)
    s47s = [
        (
            S47Row(
                child_id=7,
                referral_id=30 - i if i < 2 else 30,  # two on one referral when three
                start=start + timedelta(days=40 * i),
                target=start + timedelta(days=40 * i + 21),
                icpc=start + timedelta(days=40 * i + 14) if i % 2 == 0 else None,
                not_required=i % 2 == 1,
            ),
            datetime(2026, 5, 31, 23, 30, tzinfo=UTC) + timedelta(days=40 * i),
            kind,
        )
        for i, kind in enumerate(kinds)
    ]
    assert _child_block(child, s47s) == _elementtree_child(child, s47s)
