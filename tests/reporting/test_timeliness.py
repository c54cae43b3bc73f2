"""Timeliness figures against hand-counted clocks (tests/reporting/fixtures.py), issue 13."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from convene.policy.vocab import ClockKind
from convene.reporting.access import report_scope
from convene.reporting.periods import Period
from convene.reporting.selectors import ICPC_NATIONAL_PERCENT, timeliness
from tests.reporting.fixtures import NOW, build

APRIL = Period(date(2026, 4, 1), date(2026, 5, 1), "April 2026")


@pytest.fixture
def world(people, partnership, referral_for):
    restricted = referral_for(categories=("allegation_against_staff",), named=("hana", "lee"))
    return build(partnership, restricted=restricted)


def _rows(people, name="bob"):
    scope = report_scope(user=people[name])
    return {row.kind: row for row in timeliness(scope=scope, period=APRIL)}


def test_convene_counts_and_percent_on_time(world, people):
    row = _rows(people)["convene"]
    # A clock met exactly at its due time is on time; the one started 23:30 on 31 March
    # (London) is outside April although it is 22:30 UTC on the 31st.
    assert (row.started, row.met_on_time, row.met_late, row.breached, row.open) == (5, 2, 1, 1, 1)
    assert row.percent_on_time == 50.0
    # Met in 4 h, 14 h 59 m 59 s and 24 h: PERCENTILE_CONT gives 15.0 and 22.2 hours.
    assert (row.median, row.p90, row.unit) == (15.0, 22.2, "hours")


def test_bank_holiday_clock_met_on_time(world, people):
    # Started Thursday before Easter; one working day is Tuesday after Easter Monday.
    assert world.bank_holiday_clock.due_at.date() == date(2026, 4, 7)
    row = _rows(people)["record_distributed"]
    assert (row.started, row.met_on_time, row.met_late) == (1, 1, 0)
    assert row.percent_on_time == 100.0
    # Four days and 17 hours elapsed, but one working day: Easter's two bank holidays and
    # the weekend are not counted.
    assert (row.median, row.p90, row.unit) == (1.0, 1.0, "working days")


def test_restricted_record_is_counted_for_every_reader(world, people):
    # Bob is not named on the restricted referral, hana is: both count its ICPC clock.
    for name in ("bob", "hana", "ivy"):
        row = _rows(people, name)["icpc"]
        # Wednesday 15 April to Monday 20 April: three working days (five elapsed).
        assert (row.started, row.met_on_time, row.median) == (1, 1, 3.0)
        assert row.national_percent == ICPC_NATIONAL_PERCENT == 81.4


def test_kinds_with_no_clocks_show_zero(world, people):
    row = _rows(people)["hrpm"]
    assert (row.started, row.percent_on_time, row.median) == (0, None, None)


def test_query_count_is_constant(world, people, django_assert_max_num_queries, partnership):
    from tests.clocks.helpers import make_clock
    from tests.reporting.fixtures import london

    scope = report_scope(user=people["bob"])
    with django_assert_max_num_queries(4):
        timeliness(scope=scope, period=APRIL)
    for day in range(2, 20):
        make_clock(partnership, started_at=london(2026, 4, day, 9), due_at=london(2026, 4, 25))
    with django_assert_max_num_queries(4):
        rows = timeliness(scope=scope, period=APRIL)
    assert {r.kind: r for r in rows}["convene"].started == 23


def test_now_is_not_read(world, people):
    # The figures depend on the period only, never on the day they are asked.
    with time_machine.travel(NOW, tick=False):
        first = _rows(people)
    assert first == _rows(people)


def test_working_day_percentiles_interpolate_over_a_bank_holiday(world, people, partnership):
    from convene.clocks.services import clock_meet
    from tests.clocks.helpers import make_clock
    from tests.reporting.fixtures import london

    # ICPCs from Thursday 2 April (before Easter) met Tuesday 7 April (1 working day) and
    # Thursday 9 April (3), with the restricted one (3).
    # A fourth met on Friday 24 April (14 working days): values 1, 3, 3, 14 give
    # PERCENTILE_CONT 0.5 = 3.0 and 0.9 = 3 + 0.7 * 11 = 10.7.
    for met in (london(2026, 4, 7, 10), london(2026, 4, 9, 10), london(2026, 4, 24, 10)):
        clock = make_clock(
            partnership,
            started_at=london(2026, 4, 2, 10),
            due_at=london(2026, 4, 24, 23),
            kind=ClockKind.ICPC,
        )
        clock_meet(clock=clock, at=met, by=None)
    row = _rows(people)["icpc"]
    assert (row.median, row.p90) == (3.0, 10.7)
