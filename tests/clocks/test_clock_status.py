from datetime import UTC, datetime, timedelta

import pytest

from convene.clocks.status import Rag, describe_time_left, rag_status, time_left
from convene.workdays import LONDON

SECOND = timedelta(seconds=1)
# End of Tuesday 1 December 2026, the due time of a working-day timescale.
DUE = datetime(2026, 12, 1, 23, 59, 59, tzinfo=LONDON)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


class TestRag:
    def test_on_track_the_day_before(self) -> None:
        assert rag_status(due_at=DUE, now=at("2026-11-30T23:59:59")) is Rag.ON_TRACK

    def test_due_today_from_midnight(self) -> None:
        assert rag_status(due_at=DUE, now=at("2026-12-01T00:00")) is Rag.DUE_TODAY

    def test_due_today_at_the_due_time_itself(self) -> None:
        assert rag_status(due_at=DUE, now=DUE) is Rag.DUE_TODAY

    def test_overdue_one_second_later(self) -> None:
        assert rag_status(due_at=DUE, now=DUE + SECOND) is Rag.OVERDUE

    def test_met_on_the_due_time_is_met(self) -> None:
        assert rag_status(due_at=DUE, now=DUE + timedelta(days=9), met_at=DUE) is Rag.MET

    def test_met_a_second_late_is_met_late(self) -> None:
        later = DUE + timedelta(days=9)
        assert rag_status(due_at=DUE, now=later, met_at=DUE + SECOND) is Rag.MET_LATE

    def test_waived_wins(self) -> None:
        later = DUE + timedelta(days=9)
        assert rag_status(due_at=DUE, now=later, waived=True) is Rag.WAIVED
        assert rag_status(due_at=DUE, now=later, met_at=later, waived=True) is Rag.WAIVED

    def test_today_is_the_london_date(self) -> None:
        # An hours clock due at 00:30 BST on 2 July is 23:30 UTC on 1 July.
        due = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
        assert rag_status(due_at=due, now=at("2026-07-01T20:00")) is Rag.ON_TRACK
        assert rag_status(due_at=due, now=at("2026-07-02T00:10")) is Rag.DUE_TODAY

    def test_in_the_repeated_hour_the_instant_decides_not_the_wall_clock(self) -> None:
        # 01:30 BST is 00:30 UTC; the second 01:10 that day (GMT) is 01:10 UTC.
        due = at("2026-10-25T01:30")
        now = at("2026-10-25T01:10").replace(fold=1)
        assert rag_status(due_at=due, now=now) is Rag.OVERDUE
        assert time_left(due_at=due, now=now) == -timedelta(minutes=40)

    def test_values_are_stable_for_storage(self) -> None:
        assert [rag.value for rag in Rag] == [
            "on_track",
            "due_today",
            "overdue",
            "met",
            "met_late",
            "waived",
        ]


def test_time_left_is_negative_once_past() -> None:
    assert time_left(due_at=DUE, now=DUE - timedelta(hours=2)) == timedelta(hours=2)
    assert time_left(due_at=DUE, now=DUE + SECOND) == -SECOND


@pytest.mark.parametrize(
    ("now", "phrase"),
    [
        ("2026-11-26T10:00", "due in 5 days"),
        ("2026-11-29T08:00", "due in 2 days"),
        ("2026-11-30T08:00", "due tomorrow"),
        ("2026-11-30T23:59:59", "due tomorrow"),
        ("2026-12-01T00:00", "due in 23 hours"),
        ("2026-12-01T21:00", "due in 2 hours"),
        ("2026-12-01T22:59", "due in 1 hour"),
        ("2026-12-01T23:30", "due in 29 minutes"),
        ("2026-12-01T23:59:30", "due in 1 minute"),
        ("2026-12-01T23:59:59", "due now"),
        ("2026-12-02T00:00", "overdue by 1 minute"),
        ("2026-12-02T09:00", "overdue by 9 hours"),
        ("2026-12-02T23:59:58", "overdue by 23 hours"),
        ("2026-12-02T23:59:59", "overdue by 1 day"),
        ("2026-12-03T09:00", "overdue by 2 days"),
        ("2026-12-11T09:00", "overdue by 10 days"),
    ],
)
def test_describe_time_left(now: str, phrase: str) -> None:
    assert describe_time_left(due_at=DUE, now=at(now)) == phrase


def test_describe_an_hours_clock_due_the_next_morning() -> None:
    due = at("2026-11-27T11:00")
    assert describe_time_left(due_at=due, now=at("2026-11-26T22:00")) == "due in 13 hours"
    assert describe_time_left(due_at=due, now=at("2026-11-28T12:00")) == "overdue by 1 day"


def test_describe_the_day_the_clocks_go_back_has_25_hours() -> None:
    due = at("2026-10-25T23:59:59")
    assert describe_time_left(due_at=due, now=at("2026-10-25T00:00")) == "due in 24 hours"


@pytest.mark.parametrize("function", [rag_status, time_left, describe_time_left])
def test_naive_datetimes_are_refused(function: object) -> None:
    naive = datetime(2026, 12, 1, 12, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        function(due_at=DUE, now=naive)  # type: ignore[operator]
    with pytest.raises(ValueError, match="timezone-aware"):
        function(due_at=naive, now=DUE)  # type: ignore[operator]


def test_naive_met_at_is_refused() -> None:
    with pytest.raises(ValueError, match="met_at must be timezone-aware"):
        rag_status(due_at=DUE, now=DUE, met_at=datetime(2026, 12, 1, 12, 0))
