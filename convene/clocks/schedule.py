"""When reminders and escalations fall due: pure functions of a clock and ``now``.

The one place the reminder schedule is defined. Nothing here reads the time
or the database (STYLE habit 3); the sweep passes ``now`` in, and the tests
pin it anywhere, including across the clocks changing.

Reminders (each sent at most once per clock and recipient):

``due_tomorrow``
    From 08:00 London time on the London calendar day before the due date
    until that day ends. A clock started later that day gets it at once.
``due_in_2_hours``
    From two real hours before ``due_at`` (counted in UTC, so a clock change
    neither adds nor removes an hour) until ``due_at``.
``overdue``
    Once ``now`` is past ``due_at`` and the clock is still open.

A reminder whose window has passed unseen (the worker was stopped) is not sent
late: the next one in the schedule, or the overdue one, says more.

Escalation levels (R004.8): the first level of a rule with
``after_working_days = 0`` is due as soon as the clock is past due; a level with
``after_working_days = n`` is due once the n-th working day after the London
date of the breach has ended, which gives the person told at the level before
n whole working days to put it right. It is the same arithmetic as every
"within n working days" timescale (:func:`convene.workdays.due_at`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Final, Protocol

from convene.people.vocab import Labelled, labels
from convene.policy.engine import EscalationStep
from convene.workdays import LONDON, Unit, WorkingCalendar, due_at, london_date

__all__ = [
    "DUE_TOMORROW_FROM",
    "OPEN_STATES",
    "REMINDER_LABELS",
    "ClockLike",
    "ReminderKind",
    "escalation_due_at",
    "escalation_levels_due",
    "next_escalation_at",
    "next_reminder_at",
    "reminder_window",
    "reminders_due",
]

# Clock.State values for a clock still running or past due and not yet met.
OPEN_STATES: Final = frozenset({"pending", "breached"})
DUE_TOMORROW_FROM: Final = time(8, 0)
_TWO_HOURS: Final = timedelta(hours=2)
_INSTANT: Final = timedelta(microseconds=1)  # datetimes are counted in microseconds


class ReminderKind(Labelled):
    DUE_TOMORROW = "due_tomorrow", "Due tomorrow"
    DUE_IN_2_HOURS = "due_in_2_hours", "Due within 2 hours"
    OVERDUE = "overdue", "Overdue"


REMINDER_LABELS: Final = labels(ReminderKind)


class ClockLike(Protocol):
    @property
    def due_at(self) -> datetime: ...

    @property
    def state(self) -> str: ...


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def reminder_window(kind: ReminderKind, *, due: datetime) -> tuple[datetime, datetime | None]:
    """``[opens, closes)`` for a reminder of a clock due at ``due`` (``closes`` None: never).

    ``due_in_2_hours`` holds ``due`` itself and ``overdue`` opens just after it: a
    deadline is met by anything at or before it.
    """
    due = _utc(due, "due")
    match kind:
        case ReminderKind.DUE_TOMORROW:
            due_day = london_date(due)
            opens = datetime.combine(due_day - timedelta(days=1), DUE_TOMORROW_FROM, tzinfo=LONDON)
            closes = datetime.combine(due_day, time(0, 0), tzinfo=LONDON)
            return opens.astimezone(UTC), closes.astimezone(UTC)
        case ReminderKind.DUE_IN_2_HOURS:
            return due - _TWO_HOURS, due + _INSTANT
        case ReminderKind.OVERDUE:
            return due + _INSTANT, None


def reminders_due(*, clock: ClockLike, now: datetime) -> list[ReminderKind]:
    """The reminders whose window holds ``now``, in schedule order; none for a closed clock."""
    now = _utc(now, "now")
    if clock.state not in OPEN_STATES:
        return []
    due: list[ReminderKind] = []
    for kind in ReminderKind:
        opens, closes = reminder_window(kind, due=clock.due_at)
        if opens <= now and (closes is None or now < closes):
            due.append(kind)
    return due


def escalation_due_at(
    *, clock_due_at: datetime, after_working_days: int, calendar: WorkingCalendar
) -> datetime:
    """The moment after which a level ``after_working_days`` past the breach is raised."""
    if after_working_days < 0:
        raise ValueError(f"after_working_days must not be negative, got {after_working_days}")
    if after_working_days == 0:
        return _utc(clock_due_at, "clock_due_at")
    return due_at(
        start=clock_due_at, amount=after_working_days, unit=Unit.WORKING_DAYS, calendar=calendar
    ).astimezone(UTC)


def escalation_levels_due(
    *,
    steps: Sequence[EscalationStep],
    clock_due_at: datetime,
    now: datetime,
    calendar: WorkingCalendar,
) -> list[tuple[int, EscalationStep]]:
    """``(level, step)`` for every level (from 1) whose time has come at ``now``."""
    now = _utc(now, "now")
    return [
        (level, step)
        for level, step in enumerate(steps, start=1)
        if now
        > escalation_due_at(
            clock_due_at=clock_due_at,
            after_working_days=step.after_working_days,
            calendar=calendar,
        )
    ]


# --- The sweep's cursor --------------------------------------------------------
# ``Clock.remind_at`` and ``Clock.escalate_at`` hold the next moment a clock needs the
# sweep; these say what that moment is. The sweep reads only clocks whose moment has come.


def next_reminder_at(*, due: datetime, after: datetime | None = None) -> datetime | None:
    """The first reminder window of a clock due at ``due`` that opens after ``after``
    (the earliest of all when ``after`` is None: a clock just started); None if none is left."""
    opens = [reminder_window(kind, due=due)[0] for kind in ReminderKind]
    if after is not None:
        after = _utc(after, "after")
        opens = [moment for moment in opens if moment > after]
    return min(opens, default=None)


def next_escalation_at(
    *,
    steps: Sequence[EscalationStep],
    clock_due_at: datetime,
    calendar: WorkingCalendar,
    raised: set[int],
) -> datetime | None:
    """The moment after which the first level not in ``raised`` falls due; None if all are."""
    moments = [
        escalation_due_at(
            clock_due_at=clock_due_at,
            after_working_days=step.after_working_days,
            calendar=calendar,
        )
        for level, step in enumerate(steps, start=1)
        if level not in raised
    ]
    return min(moments, default=None)
