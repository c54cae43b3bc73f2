"""Counting clocks into tallies from the clocks table itself (issue 13).

``count_clocks`` counts any set of clocks (the reports' partial months at a period's edges,
or a team's clocks) into the same figures the month tallies hold, in three grouped queries;
``rebuild_tallies`` recounts every month tally from the clocks (``convene reporting
rebuild-summary``, after a bulk load such as the bench's COPY, or to check). The time taken
is rounded to tenths of the unit exactly as convene.clocks.tally rounds it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth

from convene.clocks.models import Clock, ClockTakenTally, ClockTally
from convene.clocks.tally import COLUMNS, calendar_of
from convene.clocks.units import SECONDS_IN, UNIT_OF, WORKING_DAYS
from convene.workdays.timescales import LONDON

Key = tuple[int, date, str]  # partnership, month, kind


@dataclass
class Counted:
    """Counts and histograms keyed by (partnership, month, kind)."""

    counts: dict[Key, dict[str, int]] = field(default_factory=dict)
    taken: dict[Key, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))


def _month() -> TruncMonth:
    return TruncMonth("started_at", tzinfo=LONDON, output_field=DateField())


def _seconds_sql() -> str:
    if connection.vendor == "postgresql":
        return "ROUND(EXTRACT(EPOCH FROM c.met_at - c.started_at), 3)"
    return "ROUND((julianday(c.met_at) - julianday(c.started_at)) * 86400.0, 3)"


def _timed_histogram(clocks: QuerySet[Clock], into: Counted) -> None:
    """Met clocks of the kinds timed in hours or days, grouped by tenths taken in SQL."""
    kinds = [kind for kind, unit in UNIT_OF.items() if unit != WORKING_DAYS]
    ids = clocks.filter(state=Clock.State.MET, kind__in=kinds).order_by().values("pk")
    inner, params = ids.query.sql_with_params()
    cases = " ".join(
        f"WHEN '{kind}' THEN {SECONDS_IN[UNIT_OF[kind]]}" for kind in kinds
    )  # our kinds: plain words
    month_sql, month_params = _month_sql()
    sql = (
        f"SELECT c.partnership_id, {month_sql} AS m, c.kind, "  # noqa: S608 - ours
        f"FLOOR({_seconds_sql()} * 10 / (CASE c.kind {cases} END) + 0.5) AS t, COUNT(*) "
        f"FROM {Clock._meta.db_table} c WHERE c.id IN ({inner}) "
        "GROUP BY c.partnership_id, m, c.kind, t"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*month_params, *params])
        for partnership_id, month, kind, tenths, n in cursor.fetchall():
            key = (partnership_id, _as_date(month), kind)
            bins = into.taken[key]
            bins[int(tenths)] = bins.get(int(tenths), 0) + n


def _month_sql() -> tuple[str, list[str]]:
    if connection.vendor == "postgresql":
        return "DATE_TRUNC('month', c.started_at AT TIME ZONE %s)::date", [str(LONDON)]
    # SQLite: the London month through Django's own function (registered on the connection).
    return "DATE(django_datetime_trunc('month', c.started_at, %s, 'UTC'))", [str(LONDON)]


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _working_histogram(clocks: QuerySet[Clock], into: Counted) -> None:
    """Met clocks of the kinds counted in working days: the database groups them by start
    day and day met (London), the partnership's calendar counts the days between."""
    kinds = [kind for kind, unit in UNIT_OF.items() if unit == WORKING_DAYS]
    pairs = (
        clocks.filter(state=Clock.State.MET, kind__in=kinds)
        .annotate(
            m=_month(),
            start_day=TruncDate("started_at", tzinfo=LONDON),
            met_day=TruncDate("met_at", tzinfo=LONDON),
        )
        .order_by()
        .values_list("partnership_id", "m", "kind", "start_day", "met_day")
        .annotate(n=Count("pk"))
    )
    calendars = {}
    for partnership_id, month, kind, start_day, met_day, n in pairs:
        if partnership_id not in calendars:
            calendars[partnership_id] = calendar_of(partnership_id)
        tenths = 10 * calendars[partnership_id].working_days_between(start_day, met_day)
        bins = into.taken[(partnership_id, month, kind)]
        bins[tenths] = bins.get(tenths, 0) + n


def count_clocks(clocks: QuerySet[Clock]) -> Counted:
    """The tallies of ``clocks`` by partnership, London month started and kind."""
    into = Counted()
    met = Q(state=Clock.State.MET)
    grouped = (
        clocks.annotate(m=_month())
        .order_by()
        .values("partnership_id", "m", "kind")
        .annotate(
            started=Count("pk"),
            met_on_time=Count("pk", filter=met & Q(met_at__lte=F("due_at"))),
            met_late=Count("pk", filter=met & Q(met_at__gt=F("due_at"))),
            breached=Count("pk", filter=Q(state=Clock.State.BREACHED)),
            open=Count("pk", filter=Q(state=Clock.State.PENDING)),
            waived=Count("pk", filter=Q(state=Clock.State.WAIVED)),
        )
    )
    for row in grouped:
        key = (row["partnership_id"], row["m"], row["kind"])
        into.counts[key] = {name: row[name] for name in COLUMNS}
    _timed_histogram(clocks, into)
    _working_histogram(clocks, into)
    return into


@transaction.atomic
def rebuild_tallies(*, partnership_id: int | None = None) -> tuple[int, int]:
    """Recount the month tallies (of one partnership, or all) from the clocks; returns the
    rows written (counts, histogram). Run it when nothing else writes clocks."""
    clocks = Clock.objects.all()
    tallies, taken = ClockTally.objects.all(), ClockTakenTally.objects.all()
    if partnership_id is not None:
        clocks = clocks.filter(partnership_id=partnership_id)
        tallies = tallies.filter(partnership_id=partnership_id)
        taken = taken.filter(partnership_id=partnership_id)
    counted = count_clocks(clocks)
    tallies.delete()
    taken.delete()
    ClockTally.objects.bulk_create(
        [
            ClockTally(partnership_id=p, month=m, kind=k, **counts)
            for (p, m, k), counts in counted.counts.items()
        ],
        batch_size=2000,
    )
    rows = [
        ClockTakenTally(partnership_id=p, month=m, kind=k, tenths=t, clocks=n)
        for (p, m, k), bins in counted.taken.items()
        for t, n in bins.items()
    ]
    ClockTakenTally.objects.bulk_create(rows, batch_size=2000)
    return len(counted.counts), len(rows)
