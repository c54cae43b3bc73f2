"""Which of a period's days the dashboard reads from the month tallies and which it counts
from the rows (issue 13, docs/performance.md "Edge months and overrides pages"): the one
place every tallied table (timeliness, attendance, decisions, exceptions, quality, agency
checks, overrides) asks.

The tallies are per London month, so a period starting or ending mid-month has an edge
month. At a million discussions a month is about 10,000 discussions: counting an edge
month's days live costs what the whole year's tallies do many times over. So, per edge:

* **The rest of the month lies wholly after ``period.as_of``** (this month, quarter or year
  to date; dates chosen ending today or later): nothing in it has happened, so the month's
  tally is exactly the period's part of it and nothing is counted live. This holds because
  no tally is keyed on a future time: a clock's month is its start (an event that has
  happened: a referral received, a discussion held, a decision made, or ``now``; an action
  or reconvene date due later starts its clock at the record, ``clocks.deadlines``), a
  record's is when the discussion was held (``records.services.hold`` refuses a future
  time), a triage's is ``triaged_at`` (always ``now``).
* **Otherwise** the fewer days are counted live: the days inside the period (added to the
  whole months), or the days of the month outside it (the month's tally read, those days
  taken away). A period of 10 June to 20 February counts 9 + 8 days live, not 21 + 20.

A team's figures are always counted live over the team's cases (the tallies are the
partnership's; a team's cases change with allocation): no tally months, the whole period
added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from convene.reporting.access import Scope
from convene.reporting.periods import Period
from convene.workdays.timescales import LONDON

T = TypeVar("T", bound=Model)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _at(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


@dataclass(frozen=True)
class Days:
    """London days ``[start, end)``."""

    start: date
    end: date

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": _at(self.start), f"{field}__lt": _at(self.end)})

    def holds(self, moment: datetime) -> bool:
        """Whether ``moment`` falls in these days, as ``q`` asks the database."""
        return _at(self.start) <= moment < _at(self.end)


@dataclass(frozen=True)
class Plan:
    # The months read from the tallies, ``[first, after)``; None: none.
    months: tuple[date, date] | None
    added: tuple[Days, ...]  # counted live and added
    taken: tuple[Days, ...]  # days of a tallied month outside the period: counted, taken away

    def where(self, scope: Scope) -> dict[str, object] | None:
        """The tallies' filter for ``months``, or None when no month is read from them."""
        if self.months is None:
            return None
        first, after = self.months
        return {"partnership": scope.partnership, "month__gte": first, "month__lt": after}

    @property
    def live(self) -> bool:
        return bool(self.added or self.taken)

    def signed(self, rows: QuerySet[T], field: str) -> list[tuple[int, QuerySet[T]]]:
        """``rows`` (not yet bounded by any date) narrowed to the days counted live, each
        with the sign its counts carry: at most two queries, the added days (+1) and the
        taken days (-1)."""
        found = []
        for sign, spans in ((1, self.added), (-1, self.taken)):
            if spans:
                condition = Q()
                for days in spans:
                    condition |= days.q(field)
                found.append((sign, rows.filter(condition)))
        return found


def _past_days(start: date, end: date, as_of: datetime | None) -> int:
    """Days of ``[start, end)`` that have begun by ``as_of`` (all of them when unknown):
    only they can hold rows."""
    if as_of is None:
        return (end - start).days
    today = as_of.astimezone(LONDON).date()
    return max(0, (min(end, today + timedelta(days=1)) - start).days)


def plan(scope: Scope, period: Period) -> Plan:
    """How to count ``period`` for ``scope``: see the module's docstring."""
    if scope.team is not None:
        return Plan(None, (Days(period.start, period.end),), ())
    first = period.start.replace(day=1)
    last = period.last_day.replace(day=1)
    after_last = _next_month(last)
    before = Days(first, period.start)  # the first month's days before the period
    beyond = Days(period.end, after_last)  # the last month's days after it
    past_beyond = _past_days(beyond.start, beyond.end, period.as_of)
    if first == last:
        outside = (before.end - before.start).days + past_beyond
        if outside >= (period.end - period.start).days:
            return Plan(None, (Days(period.start, period.end),), ())
        taken = tuple(
            d for d, n in ((before, before.end > before.start), (beyond, past_beyond)) if n
        )
        return Plan((first, after_last), (), taken)
    added: list[Days] = []
    taken_: list[Days] = []
    months_from, months_to = first, after_last
    inside_first = (_next_month(first) - period.start).days
    if period.start != first:
        if (period.start - first).days < inside_first:
            taken_.append(before)
        else:
            added.append(Days(period.start, _next_month(first)))
            months_from = _next_month(first)
    if period.end != after_last:
        if past_beyond < (period.end - last).days:
            if past_beyond:
                taken_.append(beyond)
        else:
            added.append(Days(last, period.end))
            months_to = last
    months = (months_from, months_to) if months_from < months_to else None
    return Plan(months, tuple(added), tuple(taken_))


def add_signed(into: dict[Any, int], counts: dict[Any, int], sign: int) -> None:
    """``into[key] += sign * n`` for each count."""
    for key, n in counts.items():
        into[key] = into.get(key, 0) + sign * (n or 0)
