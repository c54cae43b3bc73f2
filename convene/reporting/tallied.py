"""Attendance by agency and decisions by outcome (issue 13), read from the records' month
tallies (convene.records.models.tally) for a period's whole London months, and counted
from the current versions for the days of a partial month at either edge (or for a team,
whose figures are always counted live), as timeliness does for clocks: which days, in
``reporting.edges``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum

from convene.people.models import Agency
from convene.people.vocab import AgencyKind
from convene.policy.vocab import Decision
from convene.records.models import (
    Attendance,
    AttendanceException,
    AttendanceTally,
    DecisionTally,
    ExceptionTally,
    RecordVersion,
)
from convene.reporting.access import Scope
from convene.reporting.edges import Plan, add_signed, plan
from convene.reporting.periods import Period
from convene.reporting.scoping import TeamHeld, current_versions, discussions_q, live_signed

DECISION_LABELS = {
    Decision.S47_SINGLE_AGENCY.value: "Section 47 enquiry, social care alone",
    Decision.S47_JOINT.value: "Section 47 enquiry, jointly with police",
    Decision.SINGLE_ASSESSMENT.value: "Single assessment, then reconvene",
    Decision.CHILD_IN_NEED.value: "Child in need",
    Decision.NO_FURTHER_ACTION.value: "No further action",
}


@dataclass(frozen=True)
class AttendanceRow:
    agency: str
    kind: str
    attended: int
    apologies: int
    absent: int


def tallies(model: type[Any], where: dict[str, object], scope: Scope) -> QuerySet[Any]:
    """The tally rows of the whole months; a partner's own agency's only (an ``agency``
    tally), where the tally has agencies."""
    rows: QuerySet[Any] = model.objects.filter(**where).order_by()
    has_agency = any(f.name == "agency" for f in model._meta.get_fields())
    return rows if scope.whole or not has_agency else rows.filter(agency=scope.agency_id or 0)


def sum_by(rows: QuerySet[Any], key: str, total: str) -> dict[Any, int]:
    return dict(rows.values(key).order_by().annotate(n=Sum(total)).values_list(key, "n"))


def edge_versions(plan: Plan, scope: Scope) -> list[tuple[int, QuerySet[RecordVersion]]]:
    """Current versions of the records held in the days ``plan`` counts live, signed."""
    return live_signed(scope, plan, current_versions(scope, None), _versions_held)


def _versions_held(held: TeamHeld) -> QuerySet[RecordVersion]:
    return RecordVersion.objects.filter(pk__any_of=held.versions)


def _exceptions_held(held: TeamHeld) -> QuerySet[AttendanceException]:
    return AttendanceException.objects.filter(record__any_of=held.records)


def decisions_by_outcome(*, scope: Scope, period: Period) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    counting = plan(scope, period)
    where = counting.where(scope)
    if where is not None:
        counts.update(sum_by(tallies(DecisionTally, where, scope), "decision", "records"))
    for sign, versions in edge_versions(counting, scope):
        grouped = versions.values("decision").order_by().annotate(n=Count("pk"))
        add_signed(counts, dict(grouped.values_list("decision", "n")), sign)
    return [(label, counts.get(key, 0)) for key, label in DECISION_LABELS.items()]


def attendance_exceptions(*, scope: Scope, period: Period) -> list[tuple[str, int]]:
    """Minimum parties absent with a manager's recorded reason (R002.4), by party: the
    latest exception of each record and party is the one that stands, so count records.
    The whole London months from the tallies (``records.ExceptionTally``, issue 13)."""
    counts: dict[str, int] = {}
    counting = plan(scope, period)
    where = counting.where(scope)
    if where is not None:
        counts.update(sum_by(tallies(ExceptionTally, where, scope), "party", "records"))
    exceptions = AttendanceException.objects.filter(
        discussions_q(scope, "record__discussion"),
        record__discussion__partnership=scope.partnership,
    )
    for sign, edges in live_signed(scope, counting, exceptions, _exceptions_held):
        grouped = edges.values("party").annotate(n=Count("record", distinct=True))
        add_signed(counts, dict(grouped.order_by().values_list("party", "n")), sign)
    return [(label, counts.get(value, 0)) for value, label in AttendanceException.Party.choices]


def attendance_by_agency(*, scope: Scope, period: Period) -> list[AttendanceRow]:
    """For discussions held: how often each agency attended, sent apologies or was absent.

    A partner sees their own agency's line only. Rows with no agency (the referrer, when
    not a professional of an agency) are grouped as "No agency recorded" (listed last).
    """
    counts: dict[tuple[int, str], int] = {}
    counting = plan(scope, period)
    where = counting.where(scope)
    if where is not None:
        tallied = tallies(AttendanceTally, where, scope)
        rows = tallied.values("agency", "status").annotate(n=Sum("rows"))
        counts.update({(r["agency"], r["status"]): r["n"] for r in rows})
    for sign, versions in edge_versions(counting, scope):
        attendance = Attendance.objects.filter(version__in=versions)
        if not scope.whole:
            attendance = attendance.filter(agency=scope.agency_id)
        grouped = attendance.values("agency_id", "status").order_by().annotate(n=Count("pk"))
        add_signed(counts, {(r["agency_id"] or 0, r["status"]): r["n"] for r in grouped}, sign)
    return _attendance_rows(counts)


def _attendance_rows(counts: dict[tuple[int, str], int]) -> list[AttendanceRow]:
    ids = {agency for agency, _ in counts if agency}
    names = (
        {
            pk: (name, kind)
            for pk, name, kind in Agency.objects.filter(pk__in=ids).values_list(
                "pk", "name", "kind"
            )
        }
        if ids
        else {}
    )
    by_name: dict[tuple[str | None, str], Counter[str]] = {}
    for (agency, status), n in counts.items():
        name, kind = names.get(agency, (None, ""))
        by_name.setdefault((name, kind), Counter())[status] += n
    ordered = sorted(by_name.items(), key=lambda item: (item[0][0] is None, item[0][0] or ""))
    return [
        AttendanceRow(
            agency=name or "No agency recorded",
            kind=AgencyKind(kind).label if kind else "",
            attended=found["attended"],
            apologies=found["apologies"],
            absent=found["absent"],
        )
        for (name, kind), found in ordered
    ]
