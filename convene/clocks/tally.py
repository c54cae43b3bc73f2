"""The month tallies of clocks (issue 13), kept in the writer's transaction.

Every service that starts, meets, waives or breaches a clock (convene.clocks.services)
calls one of ``tally_started``, ``tally_moved`` or ``tally_breached`` in its transaction
(a clock met is then announced, ``signals.clock_met``, for the records' quality tallies),
so :class:`~convene.clocks.models.ClockTally` and its histogram
(:class:`~convene.clocks.models.ClockTakenTally`) always equal the live count of the clocks
table; ``convene.clocks.tally_count.rebuild_tallies`` recounts them after a bulk load.
Each change is one ``INSERT ... ON CONFLICT DO UPDATE`` adding to the row (``add_to``,
PostgreSQL and SQLite both), so two writers never lose each other's counts.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, datetime
from typing import Any

from django.db import connection

from convene.clocks.models import Clock, ClockTakenTally, ClockTally
from convene.clocks.signals import clock_met
from convene.clocks.units import SECONDS_IN, WORKING_DAYS, unit_of
from convene.people.models import Partnership
from convene.policy.loader import load_pack
from convene.workdays.calendar import WorkingCalendar
from convene.workdays.timescales import LONDON

COLUMNS = ("started", "met_on_time", "met_late", "breached", "open", "waived")


def month_of(moment: datetime) -> date:
    """The first day of the London month of ``moment``."""
    return moment.astimezone(LONDON).date().replace(day=1)


def column_of(clock: Clock) -> str:
    """Which count the clock's state is in now."""
    if clock.state == Clock.State.MET:
        assert clock.met_at is not None
        return "met_on_time" if clock.met_at <= clock.due_at else "met_late"
    return {
        Clock.State.PENDING: "open",
        Clock.State.BREACHED: "breached",
        Clock.State.WAIVED: "waived",
    }[Clock.State(clock.state)]


def tenths_of_seconds(seconds: float, unit: str) -> int:
    """Seconds taken in tenths of ``unit`` (hours or days), to the nearest tenth; the SQL of
    the recount (tally_count) rounds the same way (milliseconds first, halves up)."""
    return math.floor(round(seconds, 3) * 10 / SECONDS_IN[unit] + 0.5)


def tenths_taken(clock: Clock, calendar: WorkingCalendar | None) -> int:
    """The met clock's time taken in tenths of its kind's unit: working days after the
    start day up to the day met (London dates) on ``calendar``, else elapsed time."""
    assert clock.met_at is not None
    unit = unit_of(clock.kind)
    if unit == WORKING_DAYS:
        assert calendar is not None
        start, met = (
            moment.astimezone(LONDON).date() for moment in (clock.started_at, clock.met_at)
        )
        return 10 * calendar.working_days_between(start, met)
    return tenths_of_seconds((clock.met_at - clock.started_at).total_seconds(), unit)


def calendar_of(partnership_id: int) -> WorkingCalendar:
    policy_id = Partnership.objects.values_list("policy_id", flat=True).get(pk=partnership_id)
    return load_pack(policy_id).calendar


def _add(clock: Clock, deltas: dict[str, int]) -> None:
    add_counts(clock.partnership_id, month_of(clock.started_at), clock.kind, deltas)


def add_to(table: str, keys: dict[str, Any], deltas: dict[str, int]) -> None:
    """Add ``deltas`` to the counts of the row of ``table`` whose unique key is ``keys``,
    writing the row if there is none: one ``INSERT ... ON CONFLICT DO UPDATE`` (PostgreSQL
    and SQLite), so two writers never lose each other's counts. Names are ours."""
    names = list(deltas)
    sql = (
        f"INSERT INTO {table} ({', '.join([*keys, *names])}) "  # noqa: S608 - our columns
        f"VALUES ({', '.join(['%s'] * (len(keys) + len(names)))}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{name} = {table}.{name} + %s" for name in names)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys.values(), *deltas.values(), *deltas.values()])


def replace_rows(model: type[Any], partnership_id: int | None, rows: list[Any]) -> int:
    """A recount's end: ``model``'s rows (of one partnership, or all) deleted and ``rows``
    written in their place; returns how many. The caller holds the transaction."""
    tallies = model.objects.all()
    if partnership_id is not None:
        tallies = tallies.filter(partnership_id=partnership_id)
    tallies.delete()
    return len(model.objects.bulk_create(rows, batch_size=2000))


def add_counts(partnership_id: int, month: date, kind: str, deltas: dict[str, int]) -> None:
    keys = {"partnership_id": partnership_id, "month": month, "kind": kind}
    add_to(ClockTally._meta.db_table, keys, {name: deltas.get(name, 0) for name in COLUMNS})


def add_taken(partnership_id: int, month: date, kind: str, tenths: int, clocks: int) -> None:
    keys = {"partnership_id": partnership_id, "month": month, "kind": kind, "tenths": tenths}
    add_to(ClockTakenTally._meta.db_table, keys, {"clocks": clocks})


def tally_started(clock: Clock) -> None:
    """A clock has just been written (started): count it."""
    _add(clock, {"started": 1, column_of(clock): 1})
    if clock.state == Clock.State.MET:
        _add_met(clock)
        clock_met.send(Clock, clock=clock)


def tally_moved(clock: Clock, *, was: str) -> None:
    """The clock has just moved from the count ``was`` (a :func:`column_of` read before the
    change) to its state now; a met clock joins the histogram."""
    now = column_of(clock)
    if now == was:
        return
    _add(clock, {was: -1, now: 1})
    if clock.state == Clock.State.MET:
        _add_met(clock)
        clock_met.send(Clock, clock=clock)


def _add_met(clock: Clock) -> None:
    calendar = calendar_of(clock.partnership_id) if unit_of(clock.kind) == WORKING_DAYS else None
    tenths = tenths_taken(clock, calendar)
    add_taken(clock.partnership_id, month_of(clock.started_at), clock.kind, tenths, 1)


def tally_breached(clocks: list[Clock]) -> None:
    """Pending clocks the sweep has just breached: one statement per month and kind."""
    moved = Counter((c.partnership_id, month_of(c.started_at), c.kind) for c in clocks)
    for (partnership_id, month, kind), n in moved.items():
        add_counts(partnership_id, month, kind, {"open": -n, "breached": n})
