"""The status of a clock as a pure function of its stored state and ``now``.

Like healthchecks' ``Check.get_status()``: nothing here reads the time or the
database, so work lists, reminders and dashboards agree on one answer and the
tests can pin ``now`` anywhere.

A deadline is met by anything at or before ``due_at``. "Today" and
"tomorrow" are London calendar dates, whatever zone the datetimes carry.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from convene.workdays.timescales import london_date

__all__ = ["Rag", "describe_time_left", "rag_status", "time_left"]

_MINUTE: Final = timedelta(minutes=1)
_HOUR: Final = timedelta(hours=1)
_DAY: Final = timedelta(days=1)


class Rag(StrEnum):
    ON_TRACK = "on_track"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"
    WAIVED = "waived"


def rag_status(
    *, due_at: datetime, now: datetime, met_at: datetime | None = None, waived: bool = False
) -> Rag:
    """Where a clock stands at ``now``.

    A waiver wins over everything, being a recorded decision that the
    timescale no longer applies; a met clock stays met (or met late) however
    late ``now`` is.
    """
    due_at, now = _utc(due_at, "due_at"), _utc(now, "now")
    if waived:
        return Rag.WAIVED
    if met_at is not None:
        return Rag.MET_LATE if _utc(met_at, "met_at") > due_at else Rag.MET
    if now > due_at:
        return Rag.OVERDUE
    if london_date(now) == london_date(due_at):
        return Rag.DUE_TODAY
    return Rag.ON_TRACK


def time_left(*, due_at: datetime, now: datetime) -> timedelta:
    """Time until ``due_at``; negative once it has passed."""
    return _utc(due_at, "due_at") - _utc(now, "now")


def describe_time_left(*, due_at: datetime, now: datetime) -> str:
    """A short phrase for work lists and reminders: "due in 3 hours", "overdue by 2 days".

    Under a day away (either side) the phrase counts minutes or hours, since
    that is when they matter; beyond, it counts London calendar dates, so a
    deadline at the end of Monday read on Wednesday is "overdue by 2 days".
    Counts are rounded down, never below 1.
    """
    left = time_left(due_at=due_at, now=now)
    if left == timedelta(0):
        return "due now"
    dates_apart = (london_date(due_at) - london_date(now)).days
    if left > timedelta(0):
        if left < _DAY or dates_apart == 0:
            return f"due in {_clock_span(left)}"
        if dates_apart == 1:
            return "due tomorrow"
        return f"due in {_plural(dates_apart, 'day')}"
    late = -left
    if late < _DAY or dates_apart == 0:
        return f"overdue by {_clock_span(late)}"
    return f"overdue by {_plural(-dates_apart, 'day')}"


def _clock_span(span: timedelta) -> str:
    if span < _HOUR:
        return _plural(max(1, span // _MINUTE), "minute")
    return _plural(span // _HOUR, "hour")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _utc(moment: datetime, name: str) -> datetime:
    # Python compares and subtracts two datetimes sharing one tzinfo by wall
    # clock, ignoring DST (a day when the clocks go back would have 24 hours):
    # in UTC the answers are exact.
    if not isinstance(moment, datetime):
        raise ValueError(f"{name} must be a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)
