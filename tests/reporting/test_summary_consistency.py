"""The clocks' month tallies (issue 13, "Speed") equal the live count of the clocks table
after every service that writes clocks: start, meet (on time, exactly at due, late, after a
breach), waive (pending or breached) and the sweep's breach; the recount
(`convene reporting rebuild-summary`) writes the same rows; and the dashboard's timeliness,
read from the tallies for whole months and from the clocks for the days at a period's
edges, gives the hand-counted figures (R004.3)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from convene.clocks.models import Clock, ClockTakenTally, ClockTally
from convene.clocks.services import clock_meet, clock_waive, clocks_sweep
from convene.clocks.tally import COLUMNS
from convene.clocks.tally_count import count_clocks
from convene.policy.vocab import ClockKind
from convene.reporting.access import report_scope
from convene.reporting.periods import Period
from convene.reporting.selectors import timeliness
from convene.workdays.calendar import get_calendar
from convene.workdays.timescales import Unit, due_at, end_of_day
from tests.clocks.helpers import make_clock
from tests.reporting.fixtures import build, london

pytestmark = pytest.mark.django_db


def _tallies() -> tuple[dict, dict]:
    counts = {
        (t.partnership_id, t.month, t.kind): {name: getattr(t, name) for name in COLUMNS}
        for t in ClockTally.objects.all()
    }
    # A row whose every count went back to 0 is the same as no row.
    counts = {key: row for key, row in counts.items() if any(row.values())}
    taken: dict = {}
    for t in ClockTakenTally.objects.exclude(clocks=0):
        taken.setdefault((t.partnership_id, t.month, t.kind), {})[t.tenths] = t.clocks
    return counts, taken


def _live() -> tuple[dict, dict]:
    counted = count_clocks(Clock.objects.all())
    return dict(counted.counts), {key: bins for key, bins in counted.taken.items() if bins}


def _assert_consistent() -> None:
    assert _tallies() == _live()


def test_every_clock_service_keeps_the_tally_equal_to_the_count(partnership, people):
    def convene(start):
        clock = make_clock(
            partnership, started_at=start, due_at=end_of_day(start.date()), kind=ClockKind.CONVENE
        )
        _assert_consistent()
        return clock

    on_time = convene(london(2026, 4, 1, 9))
    clock_meet(clock=on_time, at=london(2026, 4, 1, 13), by=None)
    _assert_consistent()
    exactly = convene(london(2026, 4, 8, 9))
    clock_meet(clock=exactly, at=exactly.due_at, by=None)  # exactly at due: on time
    _assert_consistent()
    late = convene(london(2026, 4, 9, 9))
    clock_meet(clock=late, at=london(2026, 4, 10, 9), by=None)
    _assert_consistent()
    clock_meet(clock=late, at=london(2026, 4, 11, 9), by=None)  # twice: the first stands
    _assert_consistent()
    breached, breached_then_met, stays_breached = (
        convene(london(2026, 4, d, 9)) for d in (14, 15, 16)
    )
    waived_pending = convene(london(2026, 4, 29, 9))
    clocks_sweep(now=london(2026, 4, 20, 12))
    _assert_consistent()
    clock_meet(clock=breached_then_met, at=london(2026, 4, 21, 9), by=None)
    _assert_consistent()
    clock_waive(clock=breached, reason="Cancelled", at=london(2026, 4, 22), by=people["bob"])
    clock_waive(clock=waived_pending, reason="Withdrawn", at=london(2026, 4, 29), by=people["bob"])
    _assert_consistent()
    # The 23:30 start on 31 March (London) is March's, although it is April in no zone.
    convene(london(2026, 3, 31, 23, 30))
    _assert_consistent()
    counts, _ = _tallies()
    april = counts[(partnership.pk, date(2026, 4, 1), "convene")]
    assert april == {
        "started": 7,
        "met_on_time": 2,
        "met_late": 2,
        "breached": 1,
        "open": 0,
        "waived": 2,
    }
    assert Clock.objects.get(pk=stays_breached.pk).state == Clock.State.BREACHED
    assert counts[(partnership.pk, date(2026, 3, 1), "convene")]["open"] == 1


def test_working_days_over_a_bank_holiday_and_a_restricted_clock(partnership, referral_for):
    restricted = referral_for(categories=("allegation_against_staff",), named=("hana", "lee"))
    build(partnership, restricted=restricted)
    _assert_consistent()
    _, taken = _tallies()
    # Thu 2 April to Tue 7 April over Easter: one working day, in tenths.
    assert taken[(partnership.pk, date(2026, 4, 1), "record_distributed")] == {10: 1}
    # The restricted referral's ICPC is counted (never listed): three working days.
    assert taken[(partnership.pk, date(2026, 4, 1), "icpc")] == {30: 1}


def test_counting_clocks_is_one_pass(partnership, referral_for, django_assert_num_queries):
    """A team's clocks are chosen by a rule asked of each row: the counts and both
    histograms come from one statement over them, not three (issue 13), and then the
    partnership's policy (its working-day calendar), once."""
    restricted = referral_for(categories=("allegation_against_staff",), named=("hana", "lee"))
    build(partnership, restricted=restricted)
    kinds = set(Clock.objects.values_list("kind", flat=True))
    assert {"icpc", "record_distributed", "convene"} <= kinds  # both units and working days
    with django_assert_num_queries(2):
        counted = count_clocks(Clock.objects.all())
    assert sum(row["started"] for row in counted.counts.values()) == Clock.objects.count()


def test_rebuild_writes_what_the_services_wrote(partnership, referral_for):
    restricted = referral_for(categories=("allegation_against_staff",), named=("hana", "lee"))
    build(partnership, restricted=restricted)
    before = _tallies()
    ClockTally.objects.all().delete()
    ClockTakenTally.objects.update(clocks=99)  # wrong, to be recounted
    out = StringIO()
    call_command("reporting", "rebuild-summary", stdout=out)
    assert "Rebuilt the clock tallies" in out.getvalue()
    assert _tallies() == before
    call_command("reporting", "rebuild-summary", "--partnership", str(partnership.pk), stdout=out)
    assert _tallies() == before
    with pytest.raises(CommandError, match="No partnership"):
        call_command("reporting", "rebuild-summary", "--partnership", "nowhere", stdout=out)


def test_a_period_of_part_months_adds_the_edges_to_the_whole_months(
    partnership, referral_for, people
):
    restricted = referral_for(categories=("allegation_against_staff",), named=("hana", "lee"))
    build(partnership, restricted=restricted)
    # A clock in May, after the period's last day, and one on its last day.
    start = london(2026, 5, 2, 9)
    make_clock(partnership, started_at=start, due_at=start + timedelta(hours=2))
    start = london(2026, 5, 1, 9)
    calendar = get_calendar()
    make_clock(
        partnership,
        started_at=start,
        due_at=due_at(start=start, amount=1, unit=Unit.WORKING_DAYS, calendar=calendar),
    )
    scope = report_scope(user=people["bob"])
    # 31 March (its 23:30 clock, met late at 01:00) to 1 May: one whole month, two edges.
    rows = {
        r.kind: r
        for r in timeliness(scope=scope, period=Period(date(2026, 3, 31), date(2026, 5, 2), ""))
    }
    convene = rows["convene"]
    assert (convene.started, convene.met_on_time, convene.met_late) == (7, 2, 2)
    assert (convene.breached, convene.open) == (1, 2)
    # Met in 1.5 h, 4 h, 14 h 59 m 59 s and 24 h.
    assert (convene.median, convene.p90) == (9.5, 21.3)
    whole = {
        r.kind: r
        for r in timeliness(scope=scope, period=Period(date(2026, 4, 1), date(2026, 5, 1), ""))
    }
    assert (whole["convene"].started, whole["convene"].median, whole["convene"].p90) == (
        5,
        15.0,
        22.2,
    )
