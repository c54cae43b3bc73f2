"""The minimum attendance of every strategy discussion, and a manager's exception to it.

Working Together (R002.4; R001.4): a social worker, health and the police take part as
a minimum, in all circumstances. Invitations are checked when they go out
(``convene.discussions.attendance``); this module checks who the record says
*attended*, so a record is never authorised without social care, the police or
health unless a manager has recorded why (who, when, why): an
``AttendanceException``, shown on the record and its PDF, and queried by reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.core.errors import Conflict, Invalid, NotAllowed, Problems
from convene.discussions.attendance import HEALTH_ROLES, SOCIAL_CARE_ROLES, satisfies_roles
from convene.people.models import Professional
from convene.people.vocab import Role
from convene.policy import engine
from convene.policy.facts import CaseFacts
from convene.policy.pack import PolicyPack
from convene.policy.vocab import RecordSection, Requirement
from convene.records import sections, snapshot
from convene.records.errors import MissingSection
from convene.records.models import AttendanceException, Record, RecordEvent
from convene.records.policy import discussion_facts, discussion_pack, may_authorise
from convene.records.tally import tally_exception

__all__ = [
    "Shortfall",
    "attendance_exception_record",
    "attended_professionals",
    "check_page",
    "exception_counts",
    "frozen",
    "gaps",
    "shortfalls",
    "standing",
]

Party = AttendanceException.Party

# Each minimum party, the roles that stand for it, and the generic role its pack rule names.
MINIMUM: dict[str, tuple[frozenset[Role], Role]] = {
    Party.SOCIAL_CARE: (SOCIAL_CARE_ROLES, Role.SOCIAL_WORKER),
    Party.POLICE: (frozenset({Role.POLICE_OFFICER}), Role.POLICE_OFFICER),
    Party.HEALTH: (HEALTH_ROLES, Role.HEALTH_PROFESSIONAL),
}
NATIONAL = (
    "R002.4, R001.4: Working Together to Safeguard Children 2023, a social worker, health "
    "and the police as a minimum"
)
REASON_MAX = sections.TEXT_MAX


@dataclass(frozen=True)
class Shortfall:
    """A minimum party nobody from which is recorded as attended."""

    party: str
    rule_ids: tuple[str, ...]
    citation: str

    @property
    def label(self) -> str:
        return str(Party(self.party).label)


def attended_professionals(
    record: Record, contents: Mapping[RecordSection, Mapping[str, Any]]
) -> list[Professional]:
    """The invitees the attendance part records as attended (names come from the database)."""
    rows = sections.attendance_in(contents).rows
    ids = {row.professional_id for row in rows if row.status == sections.AttendanceStatus.ATTENDED}
    return list(
        Professional.objects.filter(pk__in=ids, invitations__discussion=record.discussion_id)
        .select_related("agency")
        .prefetch_related("role_grants")
        .distinct()
    )


def shortfalls(
    pack: PolicyPack, facts: CaseFacts, attended: Sequence[Professional]
) -> list[Shortfall]:
    """Social care, the police and health, each when nobody of theirs attended."""
    mandatory = [
        item
        for item in engine.required_attendance(pack, facts)
        if item.requirement is Requirement.MANDATORY
    ]
    found = []
    for party, (roles, generic) in MINIMUM.items():
        if any(satisfies_roles(person, roles) for person in attended):
            continue
        rules = [item for item in mandatory if generic in item.roles]
        citation = "; ".join(f"{r.rule_id}, {r.citation}" for r in rules) or NATIONAL
        found.append(Shortfall(party, tuple(r.rule_id for r in rules), citation))
    return found


def standing(record: Record) -> dict[str, AttendanceException]:
    """The exception that stands for each party: the latest recorded."""
    latest: dict[str, AttendanceException] = {}
    for exception in record.attendance_exceptions.select_related("recorded_by__agency"):
        latest[exception.party] = exception
    return latest


def gaps(
    record: Record,
    pack: PolicyPack,
    facts: CaseFacts,
    contents: Mapping[RecordSection, Mapping[str, Any]],
) -> list[MissingSection]:
    """What stops authorising on attendance: a minimum party missing with no exception."""
    attended = attended_professionals(record, contents)
    if not attended:
        return []  # the attendance part itself is what is missing
    excepted = standing(record)
    return [
        MissingSection(
            section=RecordSection.ATTENDANCE,
            title=f"Attendance: {s.label} did not attend and no manager has recorded "
            "an attendance exception",
            rule_ids=s.rule_ids,
            citation=s.citation,
        )
        for s in shortfalls(pack, facts, attended)
        if s.party not in excepted
    ]


def frozen(
    record: Record,
    pack: PolicyPack,
    facts: CaseFacts,
    contents: Mapping[RecordSection, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The exceptions a version is authorised on, as its snapshot holds them."""
    excepted = standing(record)
    missing = shortfalls(pack, facts, attended_professionals(record, contents))
    return [
        {
            "party": s.party,
            "party_label": s.label,
            "reason": excepted[s.party].reason,
            "rule_ids": list(s.rule_ids),
            "citation": s.citation,
            "recorded_by": snapshot.person(excepted[s.party].recorded_by),
            "recorded_at": snapshot.london_iso(excepted[s.party].recorded_at),
            "recorded_when": snapshot.london_text(excepted[s.party].recorded_at),
        }
        for s in missing
        if s.party in excepted
    ]


def check_page(
    record: Record, contents: Mapping[RecordSection, Mapping[str, Any]]
) -> dict[str, Any]:
    """For the check page: the exceptions that stand, and whether one is still needed."""
    discussion = record.discussion
    pack, facts = discussion_pack(discussion), discussion_facts(discussion)
    attended = attended_professionals(record, contents)
    return {
        "exceptions": frozen(record, pack, facts, contents),
        "attendance_shortfall": bool(attended) and bool(shortfalls(pack, facts, attended)),
    }


def exception_counts(*, partnership_id: int, since: datetime, until: datetime) -> dict[str, int]:
    """For reports: how many exceptions stand per party, recorded in ``[since, until)``.

    One aggregate query; only the exception that stands for a record and party counts.
    """
    latest = AttendanceException.objects.filter(
        record=OuterRef("record"), party=OuterRef("party")
    ).order_by("-recorded_at", "-pk")
    rows = (
        AttendanceException.objects.filter(
            record__discussion__partnership_id=partnership_id,
            recorded_at__gte=since,
            recorded_at__lt=until,
            pk=Subquery(latest.values("pk")[:1]),
        )
        .values("party")
        .annotate(n=Count("pk"))
    )
    return {row["party"]: row["n"] for row in rows}


@transaction.atomic
def attendance_exception_record(
    *,
    record: Record,
    party: str,
    reason: str,
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> AttendanceException:
    """A manager records why social care, the police or health did not attend (R002.4).

    Refused unless ``by`` may authorise the record, the draft is open, the party is
    one nobody attended from, and a reason is given.
    """
    if now.tzinfo is None:
        raise Invalid("now must carry a time zone")
    record = Record.objects.select_for_update().select_related("discussion").get(pk=record.pk)
    discussion = record.discussion
    if not may_authorise(by, discussion):
        raise NotAllowed(
            "Only a children's social care manager the procedure allows to authorise the record "
            "can record an attendance exception"
        )
    if not record.draft_open:
        raise Conflict("The record is authorised: start a correction to change it")
    missing = _exception_problems(record, party=party, reason=reason.strip())
    reason = reason.strip()
    first = not AttendanceException.objects.filter(record=record, party=party).exists()
    exception = AttendanceException.objects.create(
        record=record,
        party=party,
        reason=reason,
        rule_ids=list(missing[party].rule_ids),
        recorded_by=by,
        recorded_at=now,
    )
    if first:  # the reports' count of records with an exception (issue 13)
        tally_exception(record, party)
    RecordEvent.objects.create(
        record=record,
        action="attendance_exception",
        from_state=discussion.state,
        to_state=discussion.state,
        note=f"{Party(party).label} did not attend: {reason}",
        by=by,
        at=now,
    )
    audit_record_children(
        actor=by,
        action=AuditAction.CREATE,
        obj=exception,
        children=discussion.children.all(),
        summary=f"Recorded an attendance exception for {Party(party).label} "
        f"(record of {discussion.reference})",
        context=context,
    )
    return exception


def _exception_problems(record: Record, *, party: str, reason: str) -> dict[str, Shortfall]:
    """Every mistake in an attendance exception at once (issue 18); the shortfalls if none."""
    problems = Problems()
    discussion = record.discussion
    contents = {RecordSection(e.section): e.content for e in record.entries.all()}
    missing = {
        s.party: s
        for s in shortfalls(
            discussion_pack(discussion),
            discussion_facts(discussion),
            attended_professionals(record, contents),
        )
    }
    if party not in Party.values:
        problems.add("Select who did not attend", field="party")
    elif party not in missing:
        problems.add(
            f"The record says {Party(party).label} attended: there is nothing to except",
            field="party",
        )
    if not reason:
        problems.add("Enter why the record can be authorised without them", field="reason")
    elif len(reason) > REASON_MAX:
        problems.add(f"The reason must be {REASON_MAX:,} characters or fewer", field="reason")
    problems.raise_any()
    return missing
