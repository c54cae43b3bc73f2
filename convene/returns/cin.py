"""The Department for Education's Children in Need census XML, for the children Convene holds.

Convene knows the referral, the strategy discussion that decided each S47
enquiry and the conference that followed, so it writes the child's
identifiers and characteristics it has, one CINdetails block per referral
(CINreferralDate, ReferralSource) and the Section 47 module: S47ActualStartDate
(the day of the deciding discussion), InitialCPCtarget (15 working days on, the
partnership's calendar), DateOfInitialCPC (held by the census date) and
ICPCnotRequired. "Open" and "concluded" are ``convene.followup.census``'s, the
same definitions the pages enforce at entry. What only the council's case
system holds (assessments, plans, closure, UPN) is left out: docs/returns.md.
Reporting only reads.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any, BinaryIO

from django.db.models import Q
from django.utils.text import slugify

from convene.followup.models import S47Enquiry
from convene.followup.vocab import IcpcState, Route, S47State
from convene.people.models import Partnership, Sex
from convene.people.vocab import AgencyKind
from convene.policy.loader import load_pack
from convene.returns.streaming import whole_result
from convene.workdays import london_date
from convene.workdays.timescales import LONDON

__all__ = ["CensusYear", "census_xml", "partnership_by_slug", "write_census"]

# DfE ReferralSource codes for the referrer's agency kind; a member of the public is "1A".
_REFERRAL_SOURCE = {
    AgencyKind.SCHOOL: "2A",
    AgencyKind.NURSERY: "2B",
    AgencyKind.HEALTH_GP: "3B",
    AgencyKind.HEALTH_ACUTE: "3C",
    AgencyKind.HEALTH_COMMUNITY: "3D",
    AgencyKind.HOUSING: "4",
    AgencyKind.SOCIAL_CARE: "5A",
    AgencyKind.VOLUNTARY: "5C",
    AgencyKind.POLICE: "6",
    AgencyKind.PROBATION: "7",
    AgencyKind.OTHER: "8",
}
_SEX = {Sex.FEMALE: "F", Sex.MALE: "M"}


@dataclass(frozen=True)
class CensusYear:
    """The census year ending 31 March of ``year``: 1 April before it to that date."""

    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)


def partnership_by_slug(slug: str) -> Partnership | None:
    """The partnership whose name slugifies to ``slug`` (or whose id it is)."""
    if slug.isdigit():
        return Partnership.objects.filter(pk=int(slug)).first()
    return next((p for p in Partnership.objects.all() if slugify(p.name) == slug), None)


@dataclass(frozen=True)
class S47Row:
    """One Section 47 module as the census sees it on its reference date."""

    child_id: int
    referral_id: int
    start: date
    target: date
    icpc: date | None
    not_required: bool


# What the census reads of each enquiry, its child and its referral: one query, streamed.
_COLUMNS = (
    "child_id",
    "state",
    "route",
    "outcome_at",
    "record_version__record__held_at",
    "discussion__referral_id",
    "icpc__state",
    "icpc__held_at",
    "child__date_of_birth",
    "child__expected_date_of_delivery",
    "child__sex",
    "child__ethnicity",
    "child__disability",
    "discussion__referral__received_at",
    "discussion__referral__referrer_agency__kind",
)


@dataclass(frozen=True)
class _ChildFacts:
    pk: int
    date_of_birth: date | None
    expected_date_of_delivery: date | None
    sex: str
    ethnicity: str
    disability: str


def _s47_row(values: tuple[Any, ...], year: CensusYear, calendar: Any) -> S47Row | None:
    """The enquiry as the census sees it on its reference date; None if not in the year."""
    child_id, state, route, outcome_at, held_at, referral_id, icpc_state, icpc_at = values[:8]
    start = london_date(held_at)
    if start > year.end:
        return None
    held = icpc_at if icpc_state == IcpcState.HELD else None
    icpc = london_date(held) if held is not None else None
    if icpc is not None and icpc > year.end:
        icpc = None  # not yet held on the census date
    decided = state in (S47State.OUTCOME_RECORDED, S47State.CLOSED) and route != Route.ICPC
    not_required = decided and outcome_at is not None and london_date(outcome_at) <= year.end
    concluded_on = (
        icpc if icpc else (london_date(outcome_at) if not_required and outcome_at else None)
    )
    if concluded_on is not None and concluded_on < year.start:
        return None  # concluded in an earlier census year
    return S47Row(
        child_id=child_id,
        referral_id=referral_id,
        start=start,
        target=calendar.add_working_days(start, 15),
        icpc=icpc,
        not_required=not_required,
    )


def _by_child(
    partnership: Partnership, year: CensusYear
) -> Iterator[tuple[_ChildFacts, list[tuple[S47Row, datetime, str | None]]]]:
    """Each child with a Section 47 module in ``year``, in child order, with its enquiries
    (and their referral's received time and referrer's agency kind) in the order they
    began. Read in chunks from one ordered query: memory holds one child at a time."""
    calendar = load_pack(partnership.policy_id).calendar
    # In the database, what certainly is not in the year: begun after it, or its
    # conference held before it (_s47_row decides the rest exactly).
    year_start = datetime.combine(year.start, time(0), tzinfo=LONDON)
    year_end = datetime.combine(year.end + timedelta(days=1), time(0), tzinfo=LONDON)
    qs = (
        S47Enquiry.objects.filter(
            partnership=partnership, record_version__record__held_at__lt=year_end
        )
        .exclude(icpc__state=IcpcState.HELD, icpc__held_at__lt=year_start)
        # Nor what concluded with no conference needed before it (most of the history).
        .exclude(
            Q(state__in=[S47State.OUTCOME_RECORDED, S47State.CLOSED], outcome_at__lt=year_start)
            & ~Q(route=Route.ICPC)
            & ~Q(icpc__state=IcpcState.HELD, icpc__held_at__gte=year_start)
        )
        .order_by("child_id", "record_version__record__held_at", "pk")
        # Only the columns the census reads: the rows' JSON (policy explanations, record
        # contents) was most of the time when whole models were loaded.
        .values_list(*_COLUMNS)
    )
    child: _ChildFacts | None = None
    rows: list[tuple[S47Row, datetime, str | None]] = []
    with whole_result():
        for values in qs.iterator(chunk_size=5000):
            row = _s47_row(values, year, calendar)
            if row is None:
                continue
            if child is not None and child.pk != row.child_id:
                yield child, rows
                rows = []
            if not rows:
                child = _ChildFacts(row.child_id, *values[8:13])
            rows.append((row, values[13], values[14]))
    if child is not None and rows:
        yield child, rows


def _text(parent: ET.Element, tag: str, value: str | None) -> None:
    if value:
        ET.SubElement(parent, tag).text = value


def _child_block(child: _ChildFacts, s47s: list[tuple[S47Row, datetime, str | None]]) -> bytes:
    """One child's ``<Child>`` element, indented as it sits inside ``<Children>``: the text
    ElementTree wrote (``ET.indent``, two spaces a level, an element left out when its value
    is empty), formatted directly, which takes a third of the time of building the elements
    (docs/returns.md, "Speed"). Every value is a code, a number or a date: nothing to escape."""
    lines = ["<Child>", "      <ChildIdentifiers>", f"        <LAchildID>CNV{child.pk}</LAchildID>"]
    if child.date_of_birth:
        lines.append(
            f"        <PersonBirthDate>{child.date_of_birth.isoformat()}</PersonBirthDate>"
        )
    elif child.expected_date_of_delivery:
        born = child.expected_date_of_delivery.isoformat()
        lines.append(f"        <ExpectedPersonBirthDate>{born}</ExpectedPersonBirthDate>")
    # Ethnicity is free text in Convene; the census wants the DfE code, which the case
    # system holds: a four-letter code is passed on, anything else is "not yet obtained".
    eth = child.ethnicity.strip().upper()
    eth = eth if len(eth) == 4 and eth.isalpha() else "NOBT"
    lines += [
        f"        <Sex>{_SEX.get(Sex(child.sex), 'U')}</Sex>",
        "      </ChildIdentifiers>",
        "      <ChildCharacteristics>",
        f"        <Ethnicity>{eth}</Ethnicity>",
    ]
    if not child.disability.strip():
        lines += [
            "        <Disabilities>",
            "          <Disability>NONE</Disability>",
            "        </Disabilities>",
        ]
    lines.append("      </ChildCharacteristics>")
    by_referral: dict[int, list[tuple[S47Row, datetime, str | None]]] = defaultdict(list)
    for s47_found in s47s:
        by_referral[s47_found[0].referral_id].append(s47_found)
    for _referral_id, found in sorted(by_referral.items()):
        _, received_at, kind = found[0]
        source = _REFERRAL_SOURCE.get(AgencyKind(kind), "8") if kind else "1A"
        lines += [
            "      <CINdetails>",
            f"        <CINreferralDate>{london_date(received_at).isoformat()}</CINreferralDate>",
            f"        <ReferralSource>{source}</ReferralSource>",
            "        <ReferralNFA>0</ReferralNFA>",
        ]
        for row, _, _ in found:
            lines += _section47(row)
        lines.append("      </CINdetails>")
    lines.append("    </Child>")
    return "\n".join(lines).encode()


def _section47(row: S47Row) -> list[str]:
    icpc = (
        [f"          <DateOfInitialCPC>{row.icpc.isoformat()}</DateOfInitialCPC>"]
        if row.icpc
        else []
    )
    return [
        "        <Section47>",
        f"          <S47ActualStartDate>{row.start.isoformat()}</S47ActualStartDate>",
        f"          <InitialCPCtarget>{row.target.isoformat()}</InitialCPCtarget>",
        *icpc,
        f"          <ICPCnotRequired>{'1' if row.not_required else '0'}</ICPCnotRequired>",
        "        </Section47>",
    ]


def _header(year: CensusYear, now: datetime) -> bytes:
    header = ET.Element("Header")
    details = ET.SubElement(header, "CollectionDetails")
    _text(details, "Collection", "CIN")
    _text(details, "Year", str(year.year))
    _text(details, "ReferenceDate", year.end.isoformat())
    source = ET.SubElement(header, "Source")
    _text(source, "SourceLevel", "L")
    _text(source, "LEA", "000")  # the council's DfE number: set by the case system's return
    _text(source, "SoftwareCode", "Convene")
    _text(source, "Release", "1")
    _text(source, "SerialNo", "1")
    _text(source, "DateTime", now.replace(microsecond=0, tzinfo=None).isoformat())
    ET.indent(header, level=1)
    return ET.tostring(header, encoding="unicode").encode()


def write_census(
    out: BinaryIO, *, partnership: Partnership, year: CensusYear, now: datetime
) -> int:
    """Write the census XML for ``partnership``'s children with a S47 enquiry in ``year``
    to ``out`` as it is read, one child at a time (constant memory whatever the size; the
    layout is ElementTree's, indented by two spaces). Returns the number of children."""
    out.write(b"<?xml version='1.0' encoding='utf-8'?>\n<Message>\n  ")
    out.write(_header(year, now))
    out.write(b"\n  <Children")
    children = 0
    for child, s47s in _by_child(partnership, year):
        out.write(b">\n    " if children == 0 else b"\n    ")
        out.write(_child_block(child, s47s))
        children += 1
    out.write(b"\n  </Children>\n</Message>" if children else b" />\n</Message>")
    return children


def census_xml(*, partnership: Partnership, year: CensusYear, now: datetime) -> bytes:
    """The whole census as bytes (the download); :func:`write_census` writes it to a file."""
    out = BytesIO()
    write_census(out, partnership=partnership, year=year, now=now)
    return out.getvalue()
