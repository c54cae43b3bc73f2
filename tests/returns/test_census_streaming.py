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
