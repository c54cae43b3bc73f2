"""Attendance by agency and decisions by outcome (issue 13), read from the records' month
tallies (convene.records.models.tally) for a period's whole London months, and counted
from the current versions for the days of a partial month at either edge (or for a team,
whose figures are always counted live), as timeliness does for clocks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Model, QuerySet, Sum

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
from convene.reporting.periods import Period
from convene.reporting.scoping import current_versions, discussions_q
from convene.reporting.timeliness import whole_months

T = TypeVar("T", bound=Model)

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


def split(scope: Scope, period: Period) -> tuple[dict[str, object] | None, bool]:
    """The tallies' filter for the whole months (none for a team), and whether any days
    are left to count live."""
    months = whole_months(period) if scope.team is None else None
    if months is None:
        return None, True
    where = {"partnership": scope.partnership, "month__gte": months[0], "month__lt": months[1]}
    return where, months != (period.start, period.end)


def outside_whole_months(
    rows: QuerySet[T], scope: Scope, period: Period, field: str
) -> QuerySet[T]:
    """``rows`` (already of ``period``) less those whose ``field`` falls in the period's
    whole months, which the tallies hold; all of them for a team."""
    months = whole_months(period) if scope.team is None else None
    if months is None:
        return rows
    return rows.exclude(**Period(months[0], months[1], "").bounds(field))


def tallies(model: type[Any], where: dict[str, object], scope: Scope) -> QuerySet[Any]:
    """The tally rows of the whole months; a partner's own agency's only (an ``agency``
    tally), where the tally has agencies."""
    rows: QuerySet[Any] = model.objects.filter(**where).order_by()
    has_agency = any(f.name == "agency" for f in model._meta.get_fields())
    return rows if scope.whole or not has_agency else rows.filter(agency=scope.agency_id or 0)


def sum_by(rows: QuerySet[Any], key: str, total: str) -> dict[Any, int]:
    return dict(rows.values(key).order_by().annotate(n=Sum(total)).values_list(key, "n"))


def edge_versions(scope: Scope, period: Period) -> QuerySet[RecordVersion]:
    """Current versions of the records held in ``period`` outside its whole months."""
    return outside_whole_months(current_versions(scope, period), scope, period, "record__held_at")


def decisions_by_outcome(*, scope: Scope, period: Period) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    where, live = split(scope, period)
    if where is not None:
        counts.update(sum_by(tallies(DecisionTally, where, scope), "decision", "records"))
    if live:
        versions = edge_versions(scope, period).values("decision").order_by()
        counts.update(dict(versions.annotate(n=Count("pk")).values_list("decision", "n")))
    return [(label, counts.get(key, 0)) for key, label in DECISION_LABELS.items()]


def attendance_exceptions(*, scope: Scope, period: Period) -> list[tuple[str, int]]:
    """Minimum parties absent with a manager's recorded reason (R002.4), by party: the
    latest exception of each record and party is the one that stands, so count records.
    The whole London months from the tallies (``records.ExceptionTally``, issue 13)."""
    counts: Counter[str] = Counter()
    where, live = split(scope, period)
    if where is not None:
        counts.update(sum_by(tallies(ExceptionTally, where, scope), "party", "records"))
    if live:
        exceptions = AttendanceException.objects.filter(
            discussions_q(scope, "record__discussion"),
            record__discussion__partnership=scope.partnership,
            **period.bounds("record__held_at"),
        )
        edges = outside_whole_months(exceptions, scope, period, "record__held_at")
        grouped = edges.values("party").annotate(n=Count("record", distinct=True))
        counts.update(dict(grouped.order_by().values_list("party", "n")))
    return [(label, counts.get(value, 0)) for value, label in AttendanceException.Party.choices]


def attendance_by_agency(*, scope: Scope, period: Period) -> list[AttendanceRow]:
    """For discussions held: how often each agency attended, sent apologies or was absent.

    A partner sees their own agency's line only. Rows with no agency (the referrer, when
    not a professional of an agency) are grouped as "No agency recorded" (listed last).
    """
    counts: Counter[tuple[int, str]] = Counter()
    where, live = split(scope, period)
    if where is not None:
        tallied = tallies(AttendanceTally, where, scope)
        rows = tallied.values("agency", "status").annotate(n=Sum("rows"))
        counts.update({(r["agency"], r["status"]): r["n"] for r in rows})
    if live:
        attendance = Attendance.objects.filter(version__in=edge_versions(scope, period))
        if not scope.whole:
            attendance = attendance.filter(agency=scope.agency_id)
        grouped = attendance.values("agency_id", "status").order_by().annotate(n=Count("pk"))
        counts.update({(r["agency_id"] or 0, r["status"]): r["n"] for r in grouped})
    return _attendance_rows(counts)


def _attendance_rows(counts: Counter[tuple[int, str]]) -> list[AttendanceRow]:
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
