"""Hand-counted clocks for the reporting tests, all started in April 2026 (London).

April 2026 has two bank holidays: Good Friday 3 April and Easter Monday 6 April.

* convene (same day, due 23:59:59): 1 Apr 09:00 met 13:00 (4 h, on time); 8 Apr 09:00 met
  exactly at its due time (on time); 9 Apr 09:00 met 10 Apr 09:00 (24 h, late); 14 Apr
  breached by the sweep on 15 Apr; 29 Apr still open (the sweep ran before it was due);
  31 Mar 23:30 BST, just outside the period.
* record_distributed: Thu 2 Apr 17:00, one working day over Easter is Tue 7 Apr; met
  Tue 7 Apr 10:00 (on time, 4.7 days elapsed).
* icpc, about a restricted referral (hana and lee named, bob not): 15 Apr, met 5 days later.

Convene: started 5, on time 2, late 1, breached 1, open 1: 50.0 % on time of 4 judged.
Times taken (met): 4 h, 14 h 59 m 59 s, 24 h: median 15.0 h, 90th percentile 22.2 h.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from convene.clocks.models import Clock
from convene.clocks.services import clock_meet, clocks_sweep
from convene.people.models import Partnership
from convene.policy.vocab import ClockKind
from convene.referrals.models import Referral
from convene.workdays.calendar import get_calendar
from convene.workdays.timescales import LONDON, Unit, due_at, end_of_day
from tests.clocks.helpers import make_clock


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@dataclass
class World:
    restricted_clock: Clock
    breached_clock: Clock
    open_clock: Clock
    bank_holiday_clock: Clock


def build(partnership: Partnership, *, restricted: Referral) -> World:
    calendar = get_calendar()

    def convene(start: datetime, met: datetime | None) -> Clock:
        clock = make_clock(
            partnership, started_at=start, due_at=end_of_day(start.date()), kind=ClockKind.CONVENE
        )
        if met is not None:
            clock = clock_meet(clock=clock, at=met, by=None)
        return clock

    convene(london(2026, 4, 1, 9), london(2026, 4, 1, 13))
    exactly = convene(london(2026, 4, 8, 9), None)
    clock_meet(clock=exactly, at=exactly.due_at, by=None)
    convene(london(2026, 4, 9, 9), london(2026, 4, 10, 9))
    breached = convene(london(2026, 4, 14, 9), None)
    clocks_sweep(now=london(2026, 4, 15, 12))
    open_clock = convene(london(2026, 4, 29, 9), None)
    # Just outside: the evening before the period starts, London time.
    convene(london(2026, 3, 31, 23, 30), london(2026, 4, 1, 1))

    start = london(2026, 4, 2, 17)
    bank_holiday = make_clock(
        partnership,
        started_at=start,
        due_at=due_at(start=start, amount=1, unit=Unit.WORKING_DAYS, calendar=calendar),
        kind=ClockKind.RECORD_DISTRIBUTED,
        summary="Record distributed within 1 working day",
    )
    bank_holiday = clock_meet(clock=bank_holiday, at=london(2026, 4, 7, 10), by=None)

    icpc_start = london(2026, 4, 15, 10)
    restricted_clock = make_clock(
        partnership,
        started_at=icpc_start,
        due_at=due_at(start=icpc_start, amount=15, unit=Unit.WORKING_DAYS, calendar=calendar),
        kind=ClockKind.ICPC,
        subject=restricted,
        summary="Restricted: conference within 15 working days",
    )
    restricted_clock = clock_meet(
        clock=restricted_clock, at=icpc_start + timedelta(days=5), by=None
    )
    return World(
        restricted_clock=restricted_clock,
        breached_clock=Clock.objects.get(pk=breached.pk),
        open_clock=open_clock,
        bank_holiday_clock=bank_holiday,
    )


APRIL = {
    "period": "dates",
    "start-day": "1",
    "start-month": "4",
    "start-year": "2026",
    "end-day": "30",
    "end-month": "4",
    "end-year": "2026",
}
NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
