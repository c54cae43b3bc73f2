"""The reminder schedule and escalation timing: pure, so pinned to the second."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convene.clocks.models import Clock
from convene.clocks.schedule import (
    OPEN_STATES,
    ReminderKind,
    escalation_due_at,
    escalation_levels_due,
    reminder_window,
    reminders_due,
)
from convene.policy.engine import EscalationStep
from convene.policy.pack import Citation
from convene.workdays import LONDON, end_of_day, get_calendar

CALENDAR = get_calendar()
SECOND = timedelta(seconds=1)


@dataclass
class FakeClock:
    due_at: datetime
    state: str = "pending"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_open_states_are_the_clock_states_still_running():
    assert {Clock.State.PENDING, Clock.State.BREACHED} == OPEN_STATES


DUE = end_of_day(date(2026, 12, 2))  # Wednesday 23:59:59 GMT


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 11, 30, 12), []),
        (at(2026, 12, 1, 7, 59, 59), []),
        (at(2026, 12, 1, 8), [ReminderKind.DUE_TOMORROW]),
        (at(2026, 12, 1, 23, 59, 59), [ReminderKind.DUE_TOMORROW]),
        (at(2026, 12, 2, 0), []),
        (at(2026, 12, 2, 21, 59, 58), []),
        (at(2026, 12, 2, 21, 59, 59), [ReminderKind.DUE_IN_2_HOURS]),
        (DUE, [ReminderKind.DUE_IN_2_HOURS]),  # met by anything at or before due
        (DUE + SECOND, [ReminderKind.OVERDUE]),
        (DUE + timedelta(days=30), [ReminderKind.OVERDUE]),
    ],
)
def test_reminders_at_the_boundaries(now, expected):
    assert reminders_due(clock=FakeClock(DUE), now=now) == expected


def test_a_deadline_just_after_midnight_gets_both_reminders_the_evening_before():
    due = at(2026, 12, 2, 0, 30)
    assert reminders_due(clock=FakeClock(due), now=at(2026, 12, 1, 23)) == [
        ReminderKind.DUE_TOMORROW,
        ReminderKind.DUE_IN_2_HOURS,
    ]


@pytest.mark.parametrize("state", ["met", "waived"])
def test_a_closed_clock_is_never_reminded(state):
    for now in (at(2026, 12, 1, 9), DUE, DUE + timedelta(days=3)):
        assert reminders_due(clock=FakeClock(DUE, state), now=now) == []


def test_a_breached_clock_is_overdue():
    assert reminders_due(clock=FakeClock(DUE, "breached"), now=DUE + SECOND) == [
        ReminderKind.OVERDUE
    ]


def test_due_tomorrow_on_the_day_the_clocks_go_forward():
    # Due Monday 30 March 2026; the day before, Sunday 29 March, the clocks go
    # forward at 01:00 GMT. 08:00 that morning is BST, 07:00 UTC.
    due = end_of_day(date(2026, 3, 30))
    opens, closes = reminder_window(ReminderKind.DUE_TOMORROW, due=due)
    assert opens == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    assert closes == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)  # midnight BST
    assert reminders_due(clock=FakeClock(due), now=opens - SECOND) == []
    assert reminders_due(clock=FakeClock(due), now=opens) == [ReminderKind.DUE_TOMORROW]


def test_due_tomorrow_on_the_day_the_clocks_go_back():
    # Sunday 25 October 2026 has 25 hours; 08:00 that day is GMT again.
    due = end_of_day(date(2026, 10, 26))
    opens, closes = reminder_window(ReminderKind.DUE_TOMORROW, due=due)
    assert opens == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    assert closes == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)


def test_two_hours_is_two_real_hours_across_the_clocks_going_back():
    # Due 02:30 GMT on 25 October 2026: two real hours before is 00:30 UTC,
    # which London shows as 01:30 BST (the first of the two 01:30s).
    due = datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    opens, closes = reminder_window(ReminderKind.DUE_IN_2_HOURS, due=due)
    assert opens == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert opens.astimezone(LONDON).strftime("%H:%M %Z") == "01:30 BST"
    assert closes == due + timedelta(microseconds=1)


def test_two_hours_is_two_real_hours_across_the_clocks_going_forward():
    due = datetime(2026, 3, 29, 2, 30, tzinfo=LONDON)  # 01:30 UTC, just after the change
    opens, _ = reminder_window(ReminderKind.DUE_IN_2_HOURS, due=due)
    assert due.astimezone(UTC) - opens == timedelta(hours=2)
    assert opens.astimezone(LONDON).strftime("%H:%M %Z") == "23:30 GMT"


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        reminders_due(clock=FakeClock(DUE), now=datetime(2026, 12, 1, 9))


moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@given(due=moments, offset=st.integers(min_value=-5 * 86400, max_value=5 * 86400))
def test_each_reminder_window_is_where_its_kind_says(due, offset):
    now = due + timedelta(seconds=offset)
    kinds = reminders_due(clock=FakeClock(due), now=now)
    assert (ReminderKind.OVERDUE in kinds) == (now > due)
    assert (ReminderKind.DUE_IN_2_HOURS in kinds) == (due - timedelta(hours=2) <= now <= due)
    london_now, london_due = now.astimezone(LONDON), due.astimezone(LONDON)
    assert (ReminderKind.DUE_TOMORROW in kinds) == (
        london_now.date() == london_due.date() - timedelta(days=1) and london_now.hour >= 8
    )
    # Never overdue and due soon at once.
    assert not {ReminderKind.OVERDUE, ReminderKind.DUE_IN_2_HOURS} <= set(kinds)


# --- Escalation timing ------------------------------------------------------


def step(after: int) -> EscalationStep:
    return EscalationStep(
        rule_id="t", roles=(), parties=(), after_working_days=after, citation=Citation((), "", "")
    )


def test_level_one_is_due_the_moment_the_clock_breaches():
    due = end_of_day(date(2026, 12, 4))
    assert escalation_due_at(clock_due_at=due, after_working_days=0, calendar=CALENDAR) == due
    levels = escalation_levels_due(
        steps=[step(0), step(1)], clock_due_at=due, now=due + SECOND, calendar=CALENDAR
    )
    assert [level for level, _ in levels] == [1]


def test_a_working_day_later_skips_the_weekend():
    friday = end_of_day(date(2026, 12, 4))
    monday_end = end_of_day(date(2026, 12, 7))
    assert (
        escalation_due_at(clock_due_at=friday, after_working_days=1, calendar=CALENDAR)
        == monday_end
    )
    for now in (at(2026, 12, 5, 12), at(2026, 12, 6, 12), monday_end):
        due = escalation_levels_due(
            steps=[step(0), step(1)], clock_due_at=friday, now=now, calendar=CALENDAR
        )
        assert [level for level, _ in due] == [1], now
    due = escalation_levels_due(
        steps=[step(0), step(1)], clock_due_at=friday, now=monday_end + SECOND, calendar=CALENDAR
    )
    assert [level for level, _ in due] == [1, 2]


def test_working_days_skip_christmas_bank_holidays():
    # Due Thursday 24 December 2026: Friday 25 and Monday 28 (Boxing Day
    # substitute) are bank holidays, so one working day later is Tuesday 29.
    due = end_of_day(date(2026, 12, 24))
    assert escalation_due_at(
        clock_due_at=due, after_working_days=1, calendar=CALENDAR
    ) == end_of_day(date(2026, 12, 29))
    assert escalation_due_at(
        clock_due_at=due, after_working_days=2, calendar=CALENDAR
    ) == end_of_day(date(2026, 12, 30))


def test_a_partnership_closure_day_counts_as_no_working_day():
    closed = get_calendar(frozenset({date(2026, 12, 7)}))
    friday = end_of_day(date(2026, 12, 4))
    assert escalation_due_at(
        clock_due_at=friday, after_working_days=1, calendar=closed
    ) == end_of_day(date(2026, 12, 8))


def test_a_negative_wait_is_refused():
    with pytest.raises(ValueError, match="negative"):
        escalation_due_at(clock_due_at=DUE, after_working_days=-1, calendar=CALENDAR)
