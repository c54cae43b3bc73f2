from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from convene.workdays import (
    LONDON,
    Unit,
    add_months,
    due_at,
    end_of_day,
    get_calendar,
    london_date,
)

CAL = get_calendar()


def london(text: str) -> datetime:
    """A London wall-clock time; fold=0 picks the first of a repeated hour."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def due(start: datetime, amount: int, unit: Unit) -> str:
    result = due_at(start=start, amount=amount, unit=unit, calendar=CAL)
    assert result.tzinfo is LONDON
    return result.isoformat()


def test_end_of_day_reads_as_local_time() -> None:
    assert end_of_day(date(2026, 12, 1)).isoformat() == "2026-12-01T23:59:59+00:00"
    assert end_of_day(date(2026, 7, 1)).isoformat() == "2026-07-01T23:59:59+01:00"
    with pytest.raises(ValueError, match="not a datetime"):
        end_of_day(datetime(2026, 7, 1, tzinfo=UTC))


def test_london_date_of_a_utc_time_late_in_a_summer_evening() -> None:
    assert london_date(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)


class TestSameDay:
    def test_saturday_morning_is_due_that_saturday(self) -> None:
        assert due(london("2026-11-28T09:00"), 0, Unit.SAME_DAY) == "2026-11-28T23:59:59+00:00"

    def test_bank_holiday_does_not_defer(self) -> None:
        assert due(london("2026-12-25T16:00"), 0, Unit.SAME_DAY) == "2026-12-25T23:59:59+00:00"

    def test_day_is_the_london_day_not_the_utc_day(self) -> None:
        # 23:30 UTC on 1 July is 00:30 BST on 2 July.
        start = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
        assert due(start, 0, Unit.SAME_DAY) == "2026-07-02T23:59:59+01:00"

    def test_on_the_days_the_clocks_change(self) -> None:
        assert due(london("2026-03-29T00:30"), 0, Unit.SAME_DAY) == "2026-03-29T23:59:59+01:00"
        assert due(london("2026-10-25T01:30"), 0, Unit.SAME_DAY) == "2026-10-25T23:59:59+00:00"

    def test_takes_no_amount(self) -> None:
        with pytest.raises(ValueError, match="amount 0"):
            due(london("2026-11-28T09:00"), 1, Unit.SAME_DAY)


class TestHours:
    def test_twenty_four_hours_over_the_clocks_going_forward(self) -> None:
        assert due(london("2026-03-28T12:00"), 24, Unit.HOURS) == "2026-03-29T13:00:00+01:00"

    def test_twenty_four_hours_over_the_clocks_going_back(self) -> None:
        assert due(london("2026-10-24T12:00"), 24, Unit.HOURS) == "2026-10-25T11:00:00+00:00"

    def test_same_instant_whatever_zone_the_start_is_given_in(self) -> None:
        in_utc = datetime(2026, 10, 24, 11, 0, tzinfo=UTC)
        in_paris = in_utc.astimezone(timezone(timedelta(hours=2)))
        assert due(in_utc, 24, Unit.HOURS) == due(in_paris, 24, Unit.HOURS)

    def test_ignores_weekends(self) -> None:
        assert due(london("2026-11-27T17:00"), 24, Unit.HOURS) == "2026-11-28T17:00:00+00:00"


class TestWorkingDays:
    def test_three_working_days_over_a_weekend(self) -> None:
        # Thursday 26 November 2026.
        assert due(london("2026-11-26T10:00"), 3, Unit.WORKING_DAYS) == "2026-12-01T23:59:59+00:00"

    def test_one_working_day_over_christmas_2026(self) -> None:
        # Thu 24 Dec; Christmas Fri, Boxing Day Sat substituted by Mon 28 Dec.
        assert due(london("2026-12-24T15:00"), 1, Unit.WORKING_DAYS) == "2026-12-29T23:59:59+00:00"

    def test_counts_from_the_london_date(self) -> None:
        # Friday 23:30 UTC in summer is already Saturday in London.
        start = datetime(2026, 7, 3, 23, 30, tzinfo=UTC)
        assert due(start, 1, Unit.WORKING_DAYS) == "2026-07-06T23:59:59+01:00"

    def test_fifteen_working_days_for_an_icpc(self) -> None:
        assert due(london("2026-04-01T11:00"), 15, Unit.WORKING_DAYS) == (
            "2026-04-24T23:59:59+01:00"
        )


class TestCalendarDays:
    def test_three_days_counts_the_weekend(self) -> None:
        assert due(london("2026-11-26T10:00"), 3, Unit.CALENDAR_DAYS) == (
            "2026-11-29T23:59:59+00:00"
        )

    def test_across_the_clocks_going_back(self) -> None:
        assert due(london("2026-10-24T10:00"), 1, Unit.CALENDAR_DAYS) == (
            "2026-10-25T23:59:59+00:00"
        )


class TestMonths:
    @pytest.mark.parametrize(
        ("start", "amount", "expected"),
        [
            ("2026-01-31T10:00", 1, "2026-02-28T10:00:00+00:00"),
            ("2028-01-31T10:00", 1, "2028-02-29T10:00:00+00:00"),
            ("2028-02-29T10:00", 12, "2029-02-28T10:00:00+00:00"),
            ("2026-03-31T10:00", 1, "2026-04-30T10:00:00+01:00"),
            ("2026-08-31T10:00", 1, "2026-09-30T10:00:00+01:00"),
            ("2026-12-15T10:00", 1, "2027-01-15T10:00:00+00:00"),
            ("2026-10-15T10:00", 1, "2026-11-15T10:00:00+00:00"),
            ("2026-05-20T09:30", 0, "2026-05-20T09:30:00+01:00"),
        ],
    )
    def test_same_wall_clock_time_clamped_to_month_end(
        self, start: str, amount: int, expected: str
    ) -> None:
        assert due(london(start), amount, Unit.MONTHS) == expected

    def test_a_skipped_wall_clock_time_moves_an_hour_later(self) -> None:
        # 01:30 on 29 March 2026 never happens: the clocks jump 01:00 -> 02:00.
        assert due(london("2026-01-29T01:30"), 2, Unit.MONTHS) == "2026-03-29T02:30:00+01:00"

    def test_a_repeated_wall_clock_time_takes_the_first(self) -> None:
        # 01:30 on 25 October 2026 happens twice, first in BST.
        assert due(london("2026-09-25T01:30"), 1, Unit.MONTHS) == "2026-10-25T01:30:00+01:00"


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    months=st.integers(min_value=0, max_value=600),
)
def test_add_months_matches_relativedelta(day: date, months: int) -> None:
    assert add_months(day, months) == day + relativedelta(months=months)


@given(
    start=st.datetimes(
        min_value=datetime(2001, 1, 1), max_value=datetime(2074, 1, 1), timezones=st.just(UTC)
    ),
    amount=st.integers(min_value=0, max_value=40),
    unit=st.sampled_from([Unit.WORKING_DAYS, Unit.CALENDAR_DAYS, Unit.HOURS, Unit.MONTHS]),
)
def test_never_due_before_it_started(start: datetime, amount: int, unit: Unit) -> None:
    result = due_at(start=start, amount=amount, unit=unit, calendar=CAL)
    assert result.tzinfo is LONDON
    assert result >= start


def test_unit_may_be_given_by_its_value() -> None:
    result = due_at(start=london("2026-11-26T10:00"), amount=3, unit="working_days", calendar=CAL)  # type: ignore[arg-type]
    assert result == due_at(
        start=london("2026-11-26T10:00"), amount=3, unit=Unit.WORKING_DAYS, calendar=CAL
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": datetime(2026, 11, 26, 10, 0)}, "timezone-aware"),
        ({"amount": -1}, "not be negative"),
        ({"amount": True}, "must be an int"),
        ({"unit": "fortnights"}, "is not a valid Unit"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "start": london("2026-11-26T10:00"),
        "amount": 3,
        "unit": Unit.WORKING_DAYS,
        "calendar": CAL,
    } | kwargs
    with pytest.raises(ValueError, match=message):
        due_at(**arguments)  # type: ignore[arg-type]
