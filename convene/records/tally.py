"""Keeping and recounting the records' month tallies (issue 13; the models in
convene.records.models.tally).

``tally_authorised`` runs in ``record_authorise``'s transaction: the new version's
decision and attendance are added to the month the discussion was held, and those of the
version it supersedes (a correction) taken away, so the tallies always equal the live
count of current versions; the quality standards' tallies (convene.records.quality_tally)
move the same way. ``tally_exception`` counts a record's first attendance exception for a party (in
``attendance_exception_record``). ``rebuild_record_tallies`` and
``rebuild_exception_tallies`` recount them from the rows
(``convene reporting rebuild-summary``, after a bulk load).
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.db.models import Count, DateField, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce, TruncMonth

from convene.clocks.tally import add_to, month_of, replace_rows
from convene.records.models import (
    Attendance,
    AttendanceException,
    AttendanceTally,
    DecisionTally,
    ExceptionTally,
    Record,
    RecordVersion,
)
from convene.workdays.timescales import LONDON


def _change(version: RecordVersion, sign: int) -> None:
    record = version.record
    where = {"partnership_id": record.discussion.partnership_id, "month": month_of(record.held_at)}
    add_to(DecisionTally._meta.db_table, {**where, "decision": version.decision}, {"records": sign})
    rows = Counter(version.attendance.values_list("agency_id", "status"))
    for (agency_id, status), n in rows.items():
        keys = {**where, "agency": agency_id or 0, "status": status}
        add_to(AttendanceTally._meta.db_table, keys, {"rows": sign * n})


def tally_authorised(version: RecordVersion, *, previous: RecordVersion | None) -> None:
    """``version`` (with its attendance written) is now its record's current version."""
    from convene.records.quality_tally import tally_version  # it imports this module

    if previous is not None:
        _change(previous, -1)
        tally_version(previous, -1)
    _change(version, 1)
    tally_version(version, 1)


def tally_exception(record: Record, party: str) -> None:
    """The record's first attendance exception for ``party`` has just been recorded."""
    where = {"partnership_id": record.discussion.partnership_id, "month": month_of(record.held_at)}
    add_to(ExceptionTally._meta.db_table, {**where, "party": party}, {"records": 1})


def current(versions: QuerySet[RecordVersion]) -> QuerySet[RecordVersion]:
    """Those of ``versions`` no later version supersedes."""
    return versions.filter(~Exists(RecordVersion.objects.filter(supersedes=OuterRef("pk"))))


def held_month(prefix: str) -> TruncMonth:
    return TruncMonth(f"{prefix}record__held_at", tzinfo=LONDON, output_field=DateField())


@transaction.atomic
def rebuild_record_tallies(*, partnership_id: int | None = None) -> tuple[int, int]:
    """Recount the decision and attendance tallies (of one partnership, or all)."""
    versions = current(RecordVersion.objects.all())
    decisions, attendance = DecisionTally.objects.all(), AttendanceTally.objects.all()
    if partnership_id is not None:
        versions = versions.filter(record__discussion__partnership_id=partnership_id)
        decisions = decisions.filter(partnership_id=partnership_id)
        attendance = attendance.filter(partnership_id=partnership_id)
    decisions.delete()
    attendance.delete()
    by_decision = (
        versions.annotate(m=held_month(""))
        .order_by()
        .values_list("record__discussion__partnership_id", "m", "decision")
        .annotate(n=Count("pk"))
    )
    made = DecisionTally.objects.bulk_create(
        [
            DecisionTally(partnership_id=p, month=m, decision=d, records=n)
            for p, m, d, n in by_decision
        ]
    )
    rows = (
        Attendance.objects.filter(version__in=versions.values("pk"))
        .annotate(m=held_month("version__"), a=Coalesce("agency_id", Value(0)))
        .order_by()
        .values_list("version__record__discussion__partnership_id", "m", "a", "status")
        .annotate(n=Count("pk"))
    )
    written = AttendanceTally.objects.bulk_create(
        [
            AttendanceTally(partnership_id=p, month=m, agency=a, status=s, rows=n)
            for p, m, a, s, n in rows
        ],
        batch_size=2000,
    )
    return len(made), len(written)


@transaction.atomic
def rebuild_exception_tallies(*, partnership_id: int | None = None) -> int:
    """Recount the attendance exceptions' tallies: records with one for each party."""
    exceptions = AttendanceException.objects.all()
    if partnership_id is not None:
        exceptions = exceptions.filter(record__discussion__partnership_id=partnership_id)
    counted = (
        exceptions.annotate(m=held_month(""))
        .order_by()
        .values_list("record__discussion__partnership_id", "m", "party")
        .annotate(n=Count("record", distinct=True))
    )
    rows = [ExceptionTally(partnership_id=p, month=m, party=x, records=n) for p, m, x, n in counted]
    return replace_rows(ExceptionTally, partnership_id, rows)
