"""A period's edge months (issue 13, reporting.edges): the month's tally is exact when the
rest of the month is still to come; otherwise the fewer days are counted live, the days
inside the period added or the days outside it taken away from the month's tally.

Hand-counted: convene clocks in March 2026 (GMT) and April 2026 (BST: the clocks went
forward on 29 March), records held in March. Each count below differs if the days taken
away were not taken away, or were the wrong days (a day off, or UTC days for London ones).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from convene.clocks.services import clock_meet
from convene.policy.vocab import ClockKind, Decision
from convene.records import services
from convene.reporting import checks, quality, selectors, tallied, timeliness
from convene.reporting.access import report_scope
from convene.reporting.edges import Days, Plan, plan
from convene.reporting.periods import Period
from tests.clocks.helpers import make_clock
from tests.queries import CaptureQueriesContext
from tests.records.conftest import HELD_AT, fill, make_record  # noqa: F401 - fixture
from tests.reporting.fixtures import london

pytestmark = pytest.mark.django_db

# When the tests read the reports: after every day of March and April.
LATER = datetime(2026, 6, 2, 9, tzinfo=UTC)


def _d(month: int, day: int):  # type: ignore[no-untyped-def]
    return datetime(2026, month, day).date()


def test_the_plan_for_each_kind_of_edge(people):
    scope = report_scope(user=people["bob"])
    # 10 March to 9 April: 9 days before it in March (fewer than its 22), so March is read
    # whole and 1-9 March taken away; 9 days of April in it (fewer than the 21 after).
    found = plan(scope, Period(_d(3, 10), _d(4, 10), "", as_of=LATER))
    assert found == Plan(
        (_d(3, 1), _d(4, 1)), (Days(_d(4, 1), _d(4, 10)),), (Days(_d(3, 1), _d(3, 10)),)
    )
    # 25 March to 20 April: March's 7 days live; April read whole less 21-30 April.
    found = plan(scope, Period(_d(3, 25), _d(4, 21), "", as_of=LATER))
    assert found == Plan(
        (_d(4, 1), _d(5, 1)), (Days(_d(3, 25), _d(4, 1)),), (Days(_d(4, 21), _d(5, 1)),)
    )
    # Both edges in April: the month less 1-9 and 28-30 April.
    found = plan(scope, Period(_d(4, 10), _d(4, 28), "", as_of=LATER))
    assert found == Plan(
        (_d(4, 1), _d(5, 1)), (), (Days(_d(4, 1), _d(4, 10)), Days(_d(4, 28), _d(5, 1)))
    )
    # A few days in the middle of a month: those days live.
    found = plan(scope, Period(_d(4, 10), _d(4, 15), "", as_of=LATER))
    assert found == Plan(None, (Days(_d(4, 10), _d(4, 15)),), ())
    # This month to date (5 May, 10:00): the rest of May is to come, so May's tally is
    # exact and nothing is counted live; likewise the year to date.
    to_date = london(2026, 5, 5, 10)
    assert plan(scope, Period(_d(5, 1), _d(5, 6), "", as_of=to_date)) == Plan(
        (_d(5, 1), _d(6, 1)), (), ()
    )
    assert plan(scope, Period(_d(4, 1), _d(5, 6), "", as_of=to_date)) == Plan(
        (_d(4, 1), _d(6, 1)), (), ()
    )
    # Dates chosen ending 2 May, read on 5 May: 3 to 5 May may hold rows, 3 days against
    # the 2 inside, so the days inside are counted live.
    assert plan(scope, Period(_d(5, 1), _d(5, 3), "", as_of=to_date)) == Plan(
        None, (Days(_d(5, 1), _d(5, 3)),), ()
    )
    # A tie (10-24 April: 15 days in, 9 + 6 out) counts the days inside.
    assert plan(scope, Period(_d(4, 10), _d(4, 25), "", as_of=LATER)) == Plan(
        None, (Days(_d(4, 10), _d(4, 25)),), ()
    )
    # Not knowing when it was asked, the days after might hold rows: counted as such.
    assert plan(scope, Period(_d(5, 1), _d(5, 6), "")) == Plan(
        None, (Days(_d(5, 1), _d(5, 6)),), ()
    )


def _convene(partnership, start, met_after=None):  # type: ignore[no-untyped-def]
    clock = make_clock(partnership, started_at=start, due_at=start + timedelta(hours=8))
    if met_after is not None:
        clock_meet(clock=clock, at=start + met_after, by=None)
    return clock


def _clocks(partnership) -> None:  # type: ignore[no-untyped-def]
    hours = timedelta(hours=1)
    _convene(partnership, london(2026, 3, 1, 9), 2 * hours)  # outside: taken away
    _convene(partnership, london(2026, 3, 9, 23, 59))  # outside, a minute before the edge
    _convene(partnership, london(2026, 3, 10), 10 * hours)  # exactly at 00:00 GMT: inside
    _convene(partnership, london(2026, 3, 20, 12), 6 * hours)
    _convene(partnership, london(2026, 4, 1, 12), hours)
    _convene(partnership, london(2026, 4, 9, 23, 30))
    _convene(partnership, london(2026, 4, 10))  # 00:00 BST, 23:00 UTC on 9 April
    _convene(partnership, london(2026, 4, 25, 9), 3 * hours)
    _convene(partnership, london(2026, 4, 27, 23, 59))
    _convene(partnership, london(2026, 4, 28))  # 00:00 BST


def _convene_row(people, period):  # type: ignore[no-untyped-def]
    rows = timeliness.timeliness(scope=report_scope(user=people["bob"]), period=period)
    row = next(r for r in rows if r.kind == ClockKind.CONVENE.value)
    return row.started, row.met_on_time, row.open, row.median


def test_clocks_at_london_edges_in_gmt_and_bst(partnership, people):
    _clocks(partnership)
    # 10 March (00:00 GMT) to 9 April: March less 1-9 March, 1-9 April added. Started 10
    # and 20 March, 1 and 9 April; met in 10 h (late: due in 8), 6 h and 1 h, not the
    # 2 h of 1 March.
    period = Period(_d(3, 10), _d(4, 10), "", as_of=LATER)
    assert _convene_row(people, period) == (4, 2, 1, 6.0)
    # 10 April (00:00 BST) to 27 April: April less 1-9 and 28-30 April. Started 10, 25
    # and 27 April (23:59); met in 3 hours.
    period = Period(_d(4, 10), _d(4, 28), "", as_of=LATER)
    assert _convene_row(people, period) == (3, 1, 2, 3.0)


def test_this_month_to_date_reads_the_tally_alone(partnership, people):
    _convene(partnership, london(2026, 5, 2, 9), timedelta(hours=4))
    _convene(partnership, london(2026, 5, 5))  # 00:00 BST today
    period = Period(_d(5, 1), _d(5, 6), "This month to date", as_of=london(2026, 5, 5, 10))
    with CaptureQueriesContext(connection) as queries:
        found = _convene_row(people, period)
    assert found == (2, 1, 1, 4.0)
    assert not [q for q in queries if '"clocks_clock"' in q["sql"]], "counted live"
    # The same figures counted live (when it was asked is not known).
    assert _convene_row(people, Period(_d(5, 1), _d(5, 6), "")) == found


def _record(make, people, held_at, decision, *, restricted=False):  # type: ignore[no-untyped-def]
    record = make(invitees=("alice", "carol", "dev"), held_at=held_at)
    if restricted:
        referral = record.discussion.referral
        referral.restricted = True
        referral.save()
        referral.named_people.set([people["hana"]])
    fill(record, people, decision)
    services.record_authorise(record=record, by=people["bob"], now=held_at)
    return record


def test_records_at_the_edge_and_a_restricted_one(make_record, people, monkeypatch):  # noqa: F811
    # HELD_AT is 4 March 2026, 14:00 GMT: before the period, taken away from March.
    _record(make_record, people, HELD_AT, Decision.CHILD_IN_NEED)
    _record(make_record, people, london(2026, 3, 5), Decision.NO_FURTHER_ACTION)  # 00:00
    _record(
        make_record, people, london(2026, 3, 20, 10), Decision.S47_SINGLE_AGENCY, restricted=True
    )
    scope = report_scope(user=people["bob"])  # bob is not named on the restricted record
    period = Period(_d(3, 5), _d(4, 1), "", as_of=LATER)
    assert plan(scope, period).taken == (Days(_d(3, 1), _d(3, 5)),)
    decisions = dict(tallied.decisions_by_outcome(scope=scope, period=period))
    assert decisions["Child in need"] == 0
    assert decisions["No further action"] == 1
    assert decisions["Section 47 enquiry, social care alone"] == 1  # restricted, counted
    audited = {
        r.standard: (r.met, r.records) for r in quality.quality_audit(scope=scope, period=period)
    }
    assert audited["Police attended"] == (2, 2)
    attendance = {
        r.agency: r.attended for r in tallied.attendance_by_agency(scope=scope, period=period)
    }
    # Two records in the period: the chair and alice (social care), carol, dev.
    assert attendance == {
        "Riverside Children's Social Care": 4,
        "Shire Constabulary": 2,
        "Riverside Community Health": 2,
    }
    # Every tallied table gives what it gives counted wholly live.
    builders = (
        lambda: tallied.decisions_by_outcome(scope=scope, period=period),
        lambda: tallied.attendance_by_agency(scope=scope, period=period),
        lambda: tallied.attendance_exceptions(scope=scope, period=period),
        lambda: quality.quality_audit(scope=scope, period=period),
        lambda: checks.agency_checks_on_time(scope=scope, period=period),
        lambda: selectors.overrides_by_rule(scope=scope, period=period),
        lambda: timeliness.timeliness(scope=scope, period=period),
    )
    planned = [build() for build in builders]
    wholly_live = Plan(None, (Days(period.start, period.end),), ())
    for module in (tallied, quality, checks, selectors, timeliness):
        monkeypatch.setattr(module, "plan", lambda scope, period: wholly_live)
    assert [build() for build in builders] == planned
