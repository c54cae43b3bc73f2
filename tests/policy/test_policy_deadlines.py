"""Deadlines through the engine around weekends, bank holidays, closure days and clock changes."""

from datetime import datetime

import pytest

from convene.people.vocab import LegalStatus
from convene.policy.engine import deadlines
from convene.policy.vocab import ClockKind, StartEvent

at = datetime.fromisoformat


def due(pack, facts, clock, **events):
    found = deadlines(pack, facts, events={StartEvent(k): at(v) for k, v in events.items()})
    [first] = [d for d in found if d.clock == clock and d.governing]
    return first.due_at.isoformat()


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Saturday: same day, not Monday.
        ("2026-03-07T09:00:00+00:00", "2026-03-07T23:59:59+00:00"),
        # Christmas Day, a bank holiday.
        ("2026-12-25T20:00:00+00:00", "2026-12-25T23:59:59+00:00"),
        # 23:30 UTC on 30 June is 00:30 BST on 1 July: the London date counts.
        ("2026-06-30T23:30:00+00:00", "2026-07-01T23:59:59+01:00"),
        # The day the clocks go forward (a 23-hour day).
        ("2026-03-29T00:30:00+00:00", "2026-03-29T23:59:59+01:00"),
    ],
)
def test_R002_2_R004_1_same_day_is_calendar_time_in_london(england, make_facts, received, expected):
    facts = make_facts(received_at=received, immediate_risk=True)
    assert due(england, facts, ClockKind.CONVENE) == expected


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        # Friday: Monday, Tuesday, Wednesday.
        ("2026-03-06T16:00:00+00:00", "2026-03-11T23:59:59+00:00"),
        # Thursday before Easter: Good Friday and Easter Monday skipped.
        ("2026-04-02T15:00:00+01:00", "2026-04-09T23:59:59+01:00"),
        # Friday before the clocks go forward: due in BST.
        ("2026-03-27T12:00:00+00:00", "2026-04-01T23:59:59+01:00"),
        # Wednesday before Christmas: the substitute Boxing Day (28th) is skipped.
        ("2026-12-23T11:00:00+00:00", "2026-12-30T23:59:59+00:00"),
        # A Saturday request: the first working day is Monday.
        ("2026-03-07T10:00:00+00:00", "2026-03-11T23:59:59+00:00"),
    ],
)
def test_R004_3_three_working_days_skip_weekends_and_bank_holidays(
    halton, make_facts, requested, expected
):
    facts = make_facts(received_at=requested)
    assert due(halton, facts, ClockKind.CONVENE, discussion_requested=requested) == expected


def test_closure_days_of_the_pack_are_not_working_days(good_pack, england, make_facts):
    facts = make_facts(received_at="2026-12-23T11:00:00+00:00")
    # 24 Dec, then 29-31 Dec (closed) and 1 Jan (bank holiday), then 4 and 5 Jan.
    assert due(good_pack("closures"), facts, ClockKind.CONVENE) == "2027-01-05T23:59:59+00:00"
    assert due(england, facts, ClockKind.CONVENE) == "2026-12-30T23:59:59+00:00"


def test_R003_8_24_hours_are_clock_hours_when_the_clocks_go_back(warwickshire, make_facts):
    facts = make_facts()
    decided = "2026-10-24T12:00:00+01:00"
    assert due(warwickshire, facts, ClockKind.S47_VISIT, s47_decided=decided) == (
        "2026-10-25T11:00:00+00:00"
    )


def test_R002_12_fifteen_working_days_across_the_early_may_bank_holiday(england, make_facts):
    # From Friday 24 April 2026: 4 May is a bank holiday, so the 15th is 18 May.
    decided = "2026-04-24T14:00:00+01:00"
    assert due(england, make_facts(), ClockKind.ICPC, s47_decided=decided) == (
        "2026-05-18T23:59:59+01:00"
    )


def test_R000_3_monthly_keeps_the_wall_clock_time_across_the_clock_change(
    gloucestershire, make_facts
):
    facts = make_facts(legal_status=LegalStatus.CHILD_IN_CARE)
    held = "2026-03-15T10:00:00+00:00"
    assert due(gloucestershire, facts, ClockKind.HRPM, hrpm_held=held) == (
        "2026-04-15T10:00:00+01:00"
    )
