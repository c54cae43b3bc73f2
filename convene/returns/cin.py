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
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.text import slugify

from convene.followup.models import S47Enquiry
from convene.followup.vocab import IcpcState, Route, S47State
from convene.people.models import Child, Partnership, Sex
from convene.people.vocab import AgencyKind
from convene.policy.loader import load_pack
from convene.workdays import london_date
from convene.workdays.timescales import LONDON

__all__ = ["CensusYear", "census_xml", "partnership_by_slug"]

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


_S47_COLUMNS = (
    "child_id",
    "state",
    "route",
    "outcome_at",
    "record_version__record__held_at",
    "discussion__referral_id",
    "icpc__state",
    "icpc__held_at",
)
_CHILD_COLUMNS = ("date_of_birth", "expected_date_of_delivery", "sex", "ethnicity", "disability")


def _rows(partnership: Partnership, year: CensusYear) -> list[S47Row]:
    calendar = load_pack(partnership.policy_id).calendar
    # In the database, what certainly is not in the year: begun after it, or its
    # conference held before it (the loop below decides the rest exactly).
    year_start = datetime.combine(year.start, time(0), tzinfo=LONDON)
    year_end = datetime.combine(year.end + timedelta(days=1), time(0), tzinfo=LONDON)
    qs = (
        S47Enquiry.objects.filter(
            partnership=partnership, record_version__record__held_at__lt=year_end
        )
        .exclude(icpc__state=IcpcState.HELD, icpc__held_at__lt=year_start)
        .order_by("child_id", "record_version__record__held_at", "pk")
        # Only the columns the census reads: the rows' JSON (policy explanations, record
        # contents) was most of the time when whole models were loaded.
        .values_list(*_S47_COLUMNS)
    )
    rows = []
    for (
        child_id,
        state,
        route,
        outcome_at,
        held_at,
        referral_id,
        icpc_state,
        icpc_at,
    ) in qs.iterator(chunk_size=2000):
        start = london_date(held_at)
        if start > year.end:
            continue
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
            continue  # concluded in an earlier census year
        rows.append(
            S47Row(
                child_id=child_id,
                referral_id=referral_id,
                start=start,
                target=calendar.add_working_days(start, 15),
                icpc=icpc,
                not_required=not_required,
            )
        )
    return rows


def _text(parent: ET.Element, tag: str, value: str | None) -> None:
    if value:
        ET.SubElement(parent, tag).text = value


def _child_block(parent: ET.Element, child: Child) -> ET.Element:
    node = ET.SubElement(parent, "Child")
    ids = ET.SubElement(node, "ChildIdentifiers")
    _text(ids, "LAchildID", f"CNV{child.pk}")
    if child.date_of_birth:
        _text(ids, "PersonBirthDate", child.date_of_birth.isoformat())
    elif child.expected_date_of_delivery:
        _text(ids, "ExpectedPersonBirthDate", child.expected_date_of_delivery.isoformat())
    _text(ids, "Sex", _SEX.get(Sex(child.sex), "U"))
    chars = ET.SubElement(node, "ChildCharacteristics")
    # Ethnicity is free text in Convene; the census wants the DfE code, which the case
    # system holds: a four-letter code is passed on, anything else is "not yet obtained".
    eth = child.ethnicity.strip().upper()
    _text(chars, "Ethnicity", eth if len(eth) == 4 and eth.isalpha() else "NOBT")
    if not child.disability.strip():
        ET.SubElement(ET.SubElement(chars, "Disabilities"), "Disability").text = "NONE"
    return node


def census_xml(*, partnership: Partnership, year: CensusYear, now: datetime) -> bytes:
    """The census XML for ``partnership``'s children with a S47 enquiry in ``year``."""
    from convene.referrals.models import Referral

    rows = _rows(partnership, year)
    by_child: dict[int, dict[int, list[S47Row]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_child[row.child_id][row.referral_id].append(row)
    children = Child.objects.only(*_CHILD_COLUMNS).in_bulk(list(by_child))
    referrals = {
        pk: (received_at, kind)
        for pk, received_at, kind in Referral.objects.filter(
            pk__in=[r for refs in by_child.values() for r in refs]
        ).values_list("pk", "received_at", "referrer_agency__kind")
    }
    root = ET.Element("Message")
    header = ET.SubElement(root, "Header")
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
    kids = ET.SubElement(root, "Children")
    for child_id in sorted(by_child):
        node = _child_block(kids, children[child_id])
        for referral_id, s47s in sorted(by_child[child_id].items()):
            received_at, kind = referrals[referral_id]
            cin = ET.SubElement(node, "CINdetails")
            _text(cin, "CINreferralDate", london_date(received_at).isoformat())
            _text(
                cin,
                "ReferralSource",
                _REFERRAL_SOURCE.get(AgencyKind(kind), "8") if kind else "1A",
            )
            _text(cin, "ReferralNFA", "0")
            for row in s47s:
                s47 = ET.SubElement(cin, "Section47")
                _text(s47, "S47ActualStartDate", row.start.isoformat())
                _text(s47, "InitialCPCtarget", row.target.isoformat())
                _text(s47, "DateOfInitialCPC", row.icpc.isoformat() if row.icpc else None)
                _text(s47, "ICPCnotRequired", "1" if row.not_required else "0")
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
