"""Cross-check against workalendar, an independent implementation.

workalendar 17.0 and ``holidays`` agree on every England weekday bank holiday
from 2000 to 2075 but one: workalendar has no coronation bank holiday
(Mon 8 May 2023). Its data lags one-off holidays, so the random comparison
uses dates from 2024 on, and the lag itself is pinned below so that a
workalendar release that catches up (or a new disagreement) is noticed.
"""

import warnings
from datetime import date, timedelta

import numpy as np
import pytest

from convene.workdays.calendar import get_calendar

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from workalendar.europe import UnitedKingdom

CAL = get_calendar()


@pytest.fixture(scope="module")
def peer() -> UnitedKingdom:
    return UnitedKingdom()


def test_same_bank_holidays_on_weekdays_except_the_coronation(peer: UnitedKingdom) -> None:
    disagreements = []
    day, last = date(2000, 1, 1), date(2075, 12, 31)
    while day <= last:
        if CAL.is_working_day(day) != peer.is_working_day(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == [date(2023, 5, 8)]


def test_add_working_days_agrees_on_random_dates(peer: UnitedKingdom) -> None:
    rng = np.random.default_rng(8052023)
    start = date(2024, 1, 1).toordinal()
    for offset, n in zip(
        rng.integers(0, 365 * 50, size=3000).tolist(),
        rng.integers(1, 30, size=3000).tolist(),
        strict=True,
    ):
        day = date.fromordinal(start + offset)
        assert CAL.add_working_days(day, n) == peer.add_working_days(day, n), (day, n)


def test_workalendar_lags_on_the_coronation(peer: UnitedKingdom) -> None:
    friday = date(2023, 5, 5)
    assert CAL.add_working_days(friday, 1) == date(2023, 5, 9)
    assert peer.add_working_days(friday, 1) == date(2023, 5, 8)
