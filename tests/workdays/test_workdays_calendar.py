from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convene.workdays.calendar import WorkingCalendar, get_calendar

CAL = get_calendar()

# Leave room at the end of the range for the largest n drawn below.
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2074, 6, 30))
counts = st.integers(min_value=0, max_value=120)


def naive_add(calendar: WorkingCalendar, day: date, n: int) -> date:
    """The definition, walked day by day, to check the tables against."""
    if n == 0:
        while not calendar.is_working_day(day):
            day += timedelta(days=1)
        return day
    while n:
        day += timedelta(days=1)
        n -= calendar.is_working_day(day)
    return day


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2021, 12, 27), "Christmas Day 2021 (Sat) substitute"),
        (date(2021, 12, 28), "Boxing Day 2021 (Sun) substitute"),
        (date(2022, 1, 3), "New Year's Day 2022 (Sat) substitute"),
        (date(2022, 12, 26), "Boxing Day 2022"),
        (date(2022, 12, 27), "Christmas Day 2022 (Sun) substitute"),
        (date(2023, 1, 2), "New Year's Day 2023 (Sun) substitute"),
        (date(2024, 3, 29), "Good Friday 2024"),
        (date(2024, 4, 1), "Easter Monday 2024"),
        (date(2025, 4, 18), "Good Friday 2025"),
        (date(2025, 4, 21), "Easter Monday 2025"),
        (date(2025, 5, 5), "Early May bank holiday 2025"),
        (date(2020, 5, 8), "Early May bank holiday 2020, moved to VE Day"),
        (date(2025, 5, 26), "Spring bank holiday 2025"),
        (date(2022, 6, 2), "Spring bank holiday 2022, moved for the jubilee"),
        (date(2022, 6, 3), "Platinum Jubilee"),
        (date(2025, 8, 25), "Summer bank holiday 2025"),
        (date(2022, 9, 19), "State funeral of Queen Elizabeth II"),
        (date(2023, 5, 8), "Coronation of King Charles III"),
        (date(1999, 12, 31), "Millennium bank holiday"),
    ],
)
def test_bank_holidays_are_not_working_days(day: date, name: str) -> None:
    calendar = WorkingCalendar(first_year=1999, last_year=2026)
    assert day.weekday() < 5, name
    assert not calendar.is_working_day(day), name


def test_weekends_are_not_working_days_and_ordinary_weekdays_are() -> None:
    assert not CAL.is_working_day(date(2026, 11, 28))  # Saturday
    assert not CAL.is_working_day(date(2026, 11, 29))  # Sunday
    assert CAL.is_working_day(date(2026, 11, 30))
    # The spring bank holiday moved to 2 June in 2022, so 30 May was worked.
    assert CAL.is_working_day(date(2022, 5, 30))


def test_christmas_2021_skips_both_substitute_days() -> None:
    # Fri 24 Dec; 25-28 Dec are a weekend and two substitute bank holidays.
    assert CAL.add_working_days(date(2021, 12, 24), 1) == date(2021, 12, 29)
    assert CAL.add_working_days(date(2021, 12, 24), 3) == date(2021, 12, 31)
    # Sat 1 Jan 2022 was substituted by Mon 3 Jan.
    assert CAL.add_working_days(date(2021, 12, 24), 4) == date(2022, 1, 4)


def test_christmas_2022_substitute_and_new_year_2023() -> None:
    assert CAL.add_working_days(date(2022, 12, 23), 1) == date(2022, 12, 28)
    assert CAL.add_working_days(date(2022, 12, 30), 1) == date(2023, 1, 3)


def test_easter_2025() -> None:
    # Thu 17 Apr; Good Friday 18, weekend, Easter Monday 21.
    assert CAL.add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 22)
    assert CAL.working_days_between(date(2025, 4, 17), date(2025, 4, 22)) == 1


def test_icpc_fifteen_working_days_over_the_coronation() -> None:
    # Discussion on Tue 25 Apr 2023; 1 May and the coronation on 8 May are off.
    assert CAL.add_working_days(date(2023, 4, 25), 15) == date(2023, 5, 18)


def test_zero_working_days_is_the_day_or_the_next_working_day() -> None:
    assert CAL.add_working_days(date(2026, 11, 30), 0) == date(2026, 11, 30)
    assert CAL.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)
    assert CAL.add_working_days(date(2021, 12, 25), 0) == date(2021, 12, 29)


def test_from_a_weekend_the_first_working_day_counts() -> None:
    assert CAL.add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)
    assert CAL.next_working_day(date(2026, 11, 28)) == date(2026, 11, 30)


def test_previous_working_day() -> None:
    assert CAL.previous_working_day(date(2022, 1, 4)) == date(2021, 12, 31)
    assert CAL.previous_working_day(date(2026, 11, 30)) == date(2026, 11, 27)
    with pytest.raises(ValueError, match="no working day before"):
        CAL.previous_working_day(date(2000, 1, 3))


def test_working_days_between_is_signed() -> None:
    assert CAL.working_days_between(date(2026, 11, 27), date(2026, 11, 27)) == 0
    assert CAL.working_days_between(date(2026, 11, 27), date(2026, 11, 30)) == 1
    assert CAL.working_days_between(date(2026, 11, 30), date(2026, 11, 27)) == -1


def test_closure_days_are_skipped() -> None:
    closed = frozenset({date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)})
    calendar = get_calendar(closed)
    assert calendar.closure_days == closed
    assert not calendar.is_working_day(date(2026, 12, 30))
    assert calendar.add_working_days(date(2026, 12, 24), 1) == date(2027, 1, 4)
    assert CAL.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_get_calendar_builds_once_per_closure_set() -> None:
    closed = frozenset({date(2027, 8, 2)})
    assert get_calendar(closed) is get_calendar(frozenset({date(2027, 8, 2)}))
    assert get_calendar() is CAL
    assert get_calendar(closed) is not CAL


def test_outside_the_range_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="2000-01-01 to 2075-12-31"):
        CAL.is_working_day(date(1999, 12, 31))
    with pytest.raises(ValueError, match="outside the calendar's range"):
        CAL.add_working_days(date(2075, 12, 20), 30)
    with pytest.raises(ValueError, match="outside the calendar's range"):
        CAL.working_days_between(date(2020, 1, 1), date(2076, 1, 1))
    with pytest.raises(ValueError, match="closure day 1990-01-01 is outside"):
        WorkingCalendar(closure_days=[date(1990, 1, 1)])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"first_year": 2030, "last_year": 2020}, "is after last_year"),
        ({"first_year": 1}, "between 2 and 9998"),
        ({"last_year": "2030"}, "must be an int"),
        ({"closure_days": [datetime(2026, 1, 5, 9, 0)]}, "not a datetime"),
    ],
)
def test_bad_construction_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingCalendar(**kwargs)  # type: ignore[arg-type]


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative int, got -1"):
        CAL.add_working_days(date(2026, 1, 5), -1)
    with pytest.raises(ValueError, match="must be an int"):
        CAL.add_working_days(date(2026, 1, 5), 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="falls outside"):
        CAL.add_working_days(date(2026, 1, 5), 2**40)
    with pytest.raises(ValueError, match="falls outside"):
        # Saturday 31 December 2022, with no working day after it in range.
        WorkingCalendar(first_year=2022, last_year=2022).add_working_days(date(2022, 12, 31), 0)
    with pytest.raises(ValueError, match="non-negative int"):
        CAL.add_working_days_batch(np.array(["2026-01-05"], dtype="datetime64[D]"), -3)
    with pytest.raises(ValueError, match="not a datetime"):
        CAL.add_working_days(datetime(2026, 1, 5, 9, 0), 1)
    with pytest.raises(ValueError, match="not a datetime"):
        CAL.add_working_days("2026-01-05", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a datetime"):
        CAL.is_working_day(datetime(2026, 1, 5, 23, 30))
    with pytest.raises(ValueError, match="datetime64"):
        CAL.add_working_days_batch(np.array(["2026-01-05"], dtype="datetime64[s]"), 1)
    with pytest.raises(ValueError, match="not NaT"):
        CAL.add_working_days_batch(np.array(["NaT", "2026-01-05"], dtype="datetime64[D]"), 1)
    with pytest.raises(ValueError, match="falls outside"):
        CAL.add_working_days_batch(np.array(["2026-01-05"], dtype="datetime64[D]"), 2**31)


def test_batch_of_nothing_is_nothing() -> None:
    empty = np.array([], dtype="datetime64[D]")
    assert CAL.add_working_days_batch(empty, 3).shape == (0,)


@given(day=days, n=counts)
def test_result_is_a_working_day_matching_the_definition(day: date, n: int) -> None:
    result = CAL.add_working_days(day, n)
    assert CAL.is_working_day(result)
    assert result == naive_add(CAL, day, n)
    assert result > day if n else result >= day


@given(day=days, n=st.integers(min_value=1, max_value=120))
def test_working_days_between_inverts_add(day: date, n: int) -> None:
    assert CAL.working_days_between(day, CAL.add_working_days(day, n)) == n


@given(day1=days, day2=days, n=counts)
def test_add_is_monotonic(day1: date, day2: date, n: int) -> None:
    early, late = sorted((day1, day2))
    assert CAL.add_working_days(early, n) <= CAL.add_working_days(late, n)


@given(day=st.dates(min_value=date(2000, 1, 4), max_value=date(2075, 12, 1)))
def test_next_and_previous_are_neighbours(day: date) -> None:
    following = CAL.next_working_day(day)
    assert CAL.working_days_between(day, following) == 1
    assert CAL.previous_working_day(following) <= day


@given(
    batch=st.lists(days, min_size=1, max_size=200),
    n=counts,
)
def test_batch_equals_one_call_at_a_time(batch: list[date], n: int) -> None:
    as_numpy = np.array(batch, dtype="datetime64[D]")
    result = CAL.add_working_days_batch(as_numpy, n)
    assert result.dtype == np.dtype("datetime64[D]")
    assert result.tolist() == [CAL.add_working_days(day, n) for day in batch]


def test_large_batch_equals_one_call_at_a_time() -> None:
    rng = np.random.default_rng(20261201)
    offsets = rng.integers(0, 365 * 70, size=20_000)
    batch = np.datetime64("2000-01-01") + offsets.astype("timedelta64[D]")
    for n in (0, 1, 3, 15):
        result = CAL.add_working_days_batch(batch, n).tolist()
        assert result == [CAL.add_working_days(day, n) for day in batch.tolist()]


@settings(max_examples=40)
@given(
    closed=st.frozensets(
        st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)), max_size=15
    ),
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
    n=st.integers(min_value=0, max_value=40),
)
def test_closure_days_are_never_landed_on(closed: frozenset[date], day: date, n: int) -> None:
    calendar = WorkingCalendar(closure_days=closed, first_year=2025, last_year=2027)
    result = calendar.add_working_days(day, n)
    assert result not in closed
    assert result == naive_add(calendar, day, n)
    plain = WorkingCalendar(first_year=2025, last_year=2027)
    # Closing days can only push a deadline later.
    assert result >= plain.add_working_days(day, n)
