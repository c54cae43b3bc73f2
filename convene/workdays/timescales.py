"""When a timescale falls due: one function for every kind of deadline.

Timescale conventions
---------------------
Every deadline is an aware datetime in Europe/London. "End of day" is
23:59:59 London time on that date (see :func:`end_of_day`); a deadline is met
by anything recorded at or before it.

``SAME_DAY``
    End of the London calendar day on which the clock started. Weekends and
    bank holidays never defer it: a concern received at 09:00 on a Saturday is
    due by the end of that Saturday, because immediate risk never waits for a
    working day. The amount must be 0.
``HOURS``
    Real elapsed hours ("visit within 24 hours"), counted in UTC so that a
    clock change neither adds nor removes an hour: 24 hours from 12:00 BST on
    the Saturday before the clocks go back is 11:00 GMT on the Sunday.
``WORKING_DAYS``
    End of the amount-th working day strictly after the London date of the
    start ("within 15 working days of the discussion"). Working days come
    from a :class:`~convene.workdays.calendar.WorkingCalendar`. An amount of
    0 means the end of the start date if it is a working day, else of the
    next working day.
``CALENDAR_DAYS``
    End of the London date of the start plus amount days, weekends and
    holidays counted.
``MONTHS``
    The same London wall-clock time on the same day of the month, amount
    months later, clamped to the end of shorter months (31 January + 1 month
    is 28 or 29 February). If that wall-clock time does not exist (the hour
    skipped when the clocks go forward) it is read with the offset in force
    before the change, which moves it an hour later (01:30 becomes 02:30
    BST); if it happens twice (the hour repeated when the clocks go back) the
    first, earlier occurrence is used. Both are what ``fold=0`` gives.

Where a procedure says "days" without saying which kind (Halton R004.3, "no
later than 3 days after the request"), the policy pack states the unit it
chose; this module only does the arithmetic.
"""

from __future__ import annotations

import calendar as _gregorian
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from convene.workdays.calendar import WorkingCalendar

__all__ = ["LONDON", "Unit", "add_months", "due_at", "end_of_day", "london_date"]

LONDON: Final = ZoneInfo("Europe/London")
_END_OF_DAY: Final = time(23, 59, 59)


class Unit(StrEnum):
    SAME_DAY = "same_day"
    HOURS = "hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"


def end_of_day(day: date) -> datetime:
    """23:59:59 London time on ``day``, which exists on every day of the year."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"day must be a datetime.date (not a datetime), got {day!r}")
    return datetime.combine(day, _END_OF_DAY, tzinfo=LONDON)


def add_months(day: date, months: int) -> date:
    """Same day of the month ``months`` later, clamped to the end of a shorter month.

    Behaves as ``day + dateutil.relativedelta(months=months)``, which the
    tests check; written out because dateutil ships no type information.
    """
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"day must be a datetime.date (not a datetime), got {day!r}")
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month0 + 1
    last = _gregorian.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def london_date(moment: datetime) -> date:
    """The calendar date in London at an aware ``moment``."""
    _check_aware(moment, "moment")
    return moment.astimezone(LONDON).date()


def due_at(*, start: datetime, amount: int, unit: Unit, calendar: WorkingCalendar) -> datetime:
    """When a timescale of ``amount`` ``unit`` that started at ``start`` falls due.

    ``start`` must be timezone-aware; the result is aware, in Europe/London.
    """
    _check_aware(start, "start")
    unit = Unit(unit)
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"amount must be an int, got {amount!r}")
    if amount < 0:
        raise ValueError(f"amount must not be negative, got {amount}")

    local = start.astimezone(LONDON)
    match unit:
        case Unit.SAME_DAY:
            if amount != 0:
                raise ValueError(f"a same-day timescale takes amount 0, got {amount}")
            return end_of_day(local.date())
        case Unit.HOURS:
            return (start.astimezone(UTC) + timedelta(hours=amount)).astimezone(LONDON)
        case Unit.WORKING_DAYS:
            return end_of_day(calendar.add_working_days(local.date(), amount))
        case Unit.CALENDAR_DAYS:
            return end_of_day(local.date() + timedelta(days=amount))
        case Unit.MONTHS:
            wall = datetime.combine(add_months(local.date(), amount), local.time())
            # Round-trip through UTC so that a wall time skipped by the
            # clocks going forward comes back as the instant it denotes.
            return wall.replace(tzinfo=LONDON, fold=0).astimezone(UTC).astimezone(LONDON)


def _check_aware(moment: datetime, name: str) -> None:
    if not isinstance(moment, datetime):
        raise ValueError(f"{name} must be a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
