"""Deciding which clock reminders are due, through the outbox.

The schedule is :func:`convene.clocks.schedule.reminders_due`; this module
only finds the clocks it may apply to, works out who hears, and records the
decision (:func:`convene.reminders.services.deliveries_decide`), whose unique
constraint makes each reminder go once per clock, kind and recipient.

Who hears: the people responsible for the subject, and once it is overdue the
first rung of the escalation ladder; the partnership's team managers when nobody
is responsible (:mod:`convene.clocks.recipients`), narrowed to those who may
see the subject (:func:`convene.clocks.audience.audience_for`: a restricted
referral's clock reminds only the people named on it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from convene.clocks.audience import audience_for
from convene.clocks.labels import CLOCK_KIND_LABELS
from convene.clocks.models import Clock
from convene.clocks.recipients import RecipientCache, reminder_recipients
from convene.clocks.schedule import (
    OPEN_STATES,
    REMINDER_LABELS,
    ReminderKind,
    next_reminder_at,
    reminders_due,
)
from convene.clocks.status import describe_time_left
from convene.clocks.sweep_batch import SweepBatch, cursors_update, wide_inserts
from convene.people.models import Partnership
from convene.policy.vocab import ClockKind
from convene.reminders.models import Delivery
from convene.reminders.outbox_insert import deliveries_insert
from convene.reminders.services import deliveries_decide, delivery_rows
from convene.workdays import LONDON

__all__ = ["clock_reminders_decide"]

logger = logging.getLogger(__name__)

# Clocks read per query of the sweep: memory stays flat however much is due.
_BATCH: Final = 500


def clock_reminders_decide(
    *, now: datetime, on_error: Callable[[int, Exception], None] | None = None
) -> int:
    """Decide every clock reminder due at ``now``; return how many deliveries were added.

    Reads only the clocks whose cursor (``Clock.remind_at``, partially indexed)
    has come, in batches by primary key: a sweep with nothing due is a query or
    two, however long the history. Each batch in one transaction, its deliveries and
    cursors (each moved on to its next reminder window, or cleared) written in bulk;
    if it fails, each of its clocks in its own transaction; with ``on_error`` a
    clock that fails is reported (clock id, error), keeps its cursor for the next
    sweep, and the others are still reminded.
    """
    clock_type = ContentType.objects.get_for_model(Clock)
    added = 0
    cache = RecipientCache()
    after = 0
    while True:
        batch = list(
            Clock.objects.filter(state__in=OPEN_STATES, remind_at__lte=now, pk__gt=after)
            .order_by("pk")
            .select_related("partnership")[:_BATCH]
        )
        decided: set[tuple[int, str]] = (
            set(
                Delivery.objects.filter(
                    source_type=clock_type,
                    source_id__in=[clock.pk for clock in batch],
                    kind__in=[kind.value for kind in ReminderKind],
                )
                .values_list("source_id", "kind")
                .distinct()
            )
            if batch
            else set()
        )
        due = {
            clock.pk: [
                k for k in reminders_due(clock=clock, now=now) if (clock.pk, k) not in decided
            ]
            for clock in batch
        }
        added += _remind_batch(batch, due=due, now=now, cache=cache, on_error=on_error)
        if len(batch) < _BATCH:
            return added
        after = batch[-1].pk


def _remind_batch(
    clocks: list[Clock],
    *,
    due: dict[int, list[ReminderKind]],
    now: datetime,
    cache: RecipientCache,
    on_error: Callable[[int, Exception], None] | None,
) -> int:
    """The batch in one transaction, its deliveries and cursors written in bulk (issue 15);
    if that fails, each clock in its own transaction, as before."""
    if not clocks:
        return 0
    rows: list[Delivery] = []
    moved: list[Clock] = []
    cursors = {clock.pk: clock.remind_at for clock in clocks}

    def decide(**fields: Any) -> int:
        # The kinds decided before were left out above: these have no rows yet.
        decided = delivery_rows(**fields, existing=set())
        rows.extend(decided)
        return len(decided)

    def move(clock: Clock, *, now: datetime) -> None:
        clock.remind_at = next_reminder_at(due=clock.due_at, after=now)
        moved.append(clock)

    try:
        with transaction.atomic():
            # Subjects, managers and who of them may see what: read once for the batch.
            known = SweepBatch(clocks)
            known.learn_responsible()
            for clock in clocks:
                _clock_remind(
                    clock=clock,
                    kinds=due[clock.pk],
                    now=now,
                    cache=cache,
                    batch=known,
                    decide=decide,
                    move=move,
                )
            with wide_inserts():
                deliveries_insert(rows)
                cursors_update(moved, "remind_at")
        return len(rows)
    except Exception:
        for clock in moved:  # as read: the batch wrote nothing
            clock.remind_at = cursors[clock.pk]
        logger.warning(
            "Sweep: a batch of %d clocks could not be reminded together; one at a time",
            len(clocks),
            exc_info=True,
        )
    added = 0
    known = SweepBatch(clocks)
    known.learn_responsible()
    for clock in clocks:
        try:
            with transaction.atomic():
                added += _clock_remind(
                    clock=clock, kinds=due[clock.pk], now=now, cache=cache, batch=known
                )
        except Exception as error:
            if on_error is None:
                raise
            on_error(clock.pk, error)
    return added


def _clock_remind(
    *,
    clock: Clock,
    kinds: Sequence[ReminderKind],
    now: datetime,
    cache: RecipientCache,
    batch: SweepBatch,
    decide: Callable[..., int] = deliveries_decide,
    move: Callable[..., None] | None = None,
) -> int:
    """Decide ``kinds`` for ``clock`` and move its cursor (``decide`` and ``move`` write them,
    or collect them for the batch)."""
    move = move or _move_cursor
    if not kinds:
        move(clock, now=now)
        return 0
    partnership: Partnership = clock.partnership
    subject = batch.subject_of(clock)
    link = _link(subject)
    what = CLOCK_KIND_LABELS[ClockKind(clock.kind)]
    due = clock.due_at.astimezone(LONDON)
    due_text = f"{due.day} {due:%B %Y at %H:%M}"
    added = 0
    told = False
    for kind in kinds:
        people, agencies = reminder_recipients(
            clock=clock, responsible=batch.responsible(subject), kind=kind, cache=cache
        )
        # Need-to-know: about a restricted record only the people named on it are reminded.
        audience = audience_for(
            partnership=partnership,
            subject=subject,
            professionals=people,
            agencies=agencies,
            viewers=batch.viewers,
            managers=batch.managers(partnership),
            staff=lambda: batch.staff(partnership),
        )
        if audience.blind:
            # Nobody who may see it can be found: the escalation, when it comes, says so blind.
            continue
        people, agencies = list(audience.professionals), list(audience.agencies)
        told = told or bool(people or agencies)
        added += decide(
            partnership=partnership,
            source=clock,
            kind=kind.value,
            professionals=people,
            agencies=agencies,
            subject=f"{REMINDER_LABELS[kind]}: {what}",
            body=(
                f"{REMINDER_LABELS[kind]}: {what}"
                + (f" ({clock.summary})" if clock.summary else "")
                + f".\nDue {due_text}, {describe_time_left(due_at=clock.due_at, now=now)}."
                + f"\nRule: {clock.citation}"
            ),
            link=link,
            now=now,
        )
    if told:
        move(clock, now=now)
    # else nobody to tell (no managers yet, a set-up mistake, or told blind): the cursor
    # stays, so the next sweep tries again.
    return added


def _move_cursor(clock: Clock, *, now: datetime) -> None:
    """Next look at this clock when its next reminder window opens; never again once the
    overdue one is open (decided now, or before)."""
    Clock.objects.filter(pk=clock.pk).update(
        remind_at=next_reminder_at(due=clock.due_at, after=now)
    )


def _link(subject: object) -> str:
    get_url = getattr(subject, "get_absolute_url", None)
    if callable(get_url):
        return str(get_url())
    return ""
