"""Counting clocks into tallies from the clocks table itself (issue 13).

``count_clocks`` counts any set of clocks (the reports' partial months at a period's edges,
or a team's clocks) into the same figures the month tallies hold, in one grouped query;
``rebuild_tallies`` recounts every month tally from the clocks (``convene reporting
rebuild-summary``, after a bulk load such as the bench's COPY, or to check). The time taken
is rounded to tenths of the unit exactly as convene.clocks.tally rounds it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate, TruncMonth

from convene.clocks.models import Clock, ClockTakenTally, ClockTally
from convene.clocks.tally import COLUMNS, calendar_of
from convene.clocks.units import SECONDS_IN, UNIT_OF, WORKING_DAYS
from convene.workdays.calendar import WorkingCalendar
from convene.workdays.timescales import LONDON

Key = tuple[int, date, str]  # partnership, month, kind


@dataclass
class Counted:
    """Counts and histograms keyed by (partnership, month, kind)."""

    counts: dict[Key, dict[str, int]] = field(default_factory=dict)
    taken: dict[Key, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))


_TIMED = [kind for kind, unit in UNIT_OF.items() if unit != WORKING_DAYS]
_WORKING = [kind for kind, unit in UNIT_OF.items() if unit == WORKING_DAYS]


class _TenthsTaken(Func):
    """A met clock's time taken in tenths of its kind's unit (hours or days), rounded as
    ``convene.clocks.tally.tenths_of_seconds`` rounds it: milliseconds first, halves up."""

    def __init__(self) -> None:
        super().__init__(F("met_at"), F("started_at"), F("kind"), output_field=IntegerField())

    def as_sql(  # type: ignore[override] # compiles its own three columns
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        (met, p1), (start, p2), (kind, p3) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        if connection.vendor == "postgresql":
            seconds = f"ROUND(EXTRACT(EPOCH FROM {met} - {start}), 3)"
        else:
            seconds = f"ROUND((julianday({met}) - julianday({start})) * 86400.0, 3)"
        units = " ".join(f"WHEN '{k}' THEN {SECONDS_IN[UNIT_OF[k]]}" for k in _TIMED)
        return f"FLOOR({seconds} * 10 / (CASE {kind} {units} END) + 0.5)", [*p1, *p2, *p3]


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _grouped(clocks: QuerySet[Clock]) -> QuerySet[Any, Any]:
    """``clocks`` grouped by what the tallies need, in one statement: month and kind, the
    column each counts in, and for a met clock its time taken: in tenths for the kinds timed
    in hours or days, or its London start and met days for the kinds counted in working days
    (the partnership's calendar counts the days between, in Python)."""
    met = Q(state=Clock.State.MET)
    column = Case(
        When(met & Q(met_at__lte=F("due_at")), then=Value("met_on_time")),
        When(met, then=Value("met_late")),
        When(state=Clock.State.BREACHED, then=Value("breached")),
        When(state=Clock.State.PENDING, then=Value("open")),
        When(state=Clock.State.WAIVED, then=Value("waived")),
        default=Value(""),
        output_field=CharField(),
    )
    working = met & Q(kind__in=_WORKING)
    return (
        clocks.order_by()
        .annotate(
            m=TruncMonth("started_at", tzinfo=LONDON, output_field=DateField()),
            column=column,
            tenths=Case(When(met & Q(kind__in=_TIMED), then=_TenthsTaken())),
            start_day=Case(When(working, then=TruncDate("started_at", tzinfo=LONDON))),
            met_day=Case(When(working, then=TruncDate("met_at", tzinfo=LONDON))),
        )
        .values_list("partnership_id", "m", "kind", "column", "tenths", "start_day", "met_day")
        .annotate(n=Count("pk"))
    )


def count_clocks(clocks: QuerySet[Clock]) -> Counted:
    """The tallies of ``clocks`` by partnership, London month started and kind, in one pass
    over them (a team's clocks are chosen by a rule asked of each row: three passes cost
    three times that; issue 13)."""
    into = Counted()
    calendars: dict[int, WorkingCalendar] = {}
    for partnership_id, month, kind, column, tenths, start_day, met_day, n in _grouped(clocks):
        key = (partnership_id, _as_date(month), kind)
        counts = into.counts.setdefault(key, dict.fromkeys(COLUMNS, 0))
        counts["started"] += n
        if column:
            counts[column] += n
        if start_day is not None:
            if partnership_id not in calendars:
                calendars[partnership_id] = calendar_of(partnership_id)
            days = calendars[partnership_id].working_days_between(start_day, met_day)
            tenths = 10 * days
        if tenths is not None:
            bins = into.taken[key]
            bins[int(tenths)] = bins.get(int(tenths), 0) + n
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
