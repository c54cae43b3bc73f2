"""Starting, meeting, waiving and sweeping clocks.

Each runs inside the caller's transaction (the transition that starts or stops a
clock commits with it, or not at all); ``now``/``at`` is always passed in.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from convene.clocks.due_columns import due_columns_refresh
from convene.clocks.models import Clock
from convene.clocks.schedule import ReminderKind, next_reminder_at
from convene.clocks.signals import clocks_breached
from convene.clocks.subjects import case_key_of
from convene.clocks.tally import column_of, tally_breached, tally_moved, tally_started
from convene.core.errors import require_aware
from convene.people.models import Partnership, Professional
from convene.policy.vocab import ClockKind
from convene.reminders.models import Delivery

# Clocks breached per UPDATE (a bound on the statement's parameters).
BREACH_CHUNK = 500


class ClockError(ValueError):
    """A clock transition that the rules do not allow; the message says why."""


@transaction.atomic
def clock_start(
    *,
    partnership: Partnership,
    subject: models.Model,
    kind: ClockKind,
    rule_id: str,
    policy_id: str,
    policy_version: str,
    citation: str,
    summary: str,
    started_at: datetime,
    due_at: datetime,
    by: Professional | None,
) -> Clock:
    require_aware(started_at, "started_at", error=ClockError)
    require_aware(due_at, "due_at", error=ClockError)
    if due_at < started_at:
        raise ClockError("A clock cannot be due before it starts")
    clock = Clock.objects.create(
        partnership=partnership,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        # The one place a clock's case key is written; escalations copy it from here.
        case_referral_id=case_key_of(subject),
        kind=kind.value,
        rule_id=rule_id,
        policy_id=policy_id,
        policy_version=policy_version,
        citation=citation[:300],
        summary=summary[:300],
        started_at=started_at,
        due_at=due_at,
        # The sweep looks at it again when its first reminder opens and when it is due.
        escalate_at=due_at,
        remind_at=next_reminder_at(due=due_at),
        created_by=by,
        modified_by=by,
    )
    tally_started(clock)  # the month's count, in this transaction (issue 13)
    due_columns_refresh(clock)  # the subject's stored "soonest deadline", if it keeps one
    return clock


def _reminders_retire(clock: Clock, *, at: datetime) -> None:
    """The thing is done: its "due" reminders are no longer news (issue 18). Their in-app
    notices are marked read, so the badge drops; the list hides them (reminders.notices)."""
    Delivery.objects.filter(
        source_type=ContentType.objects.get_for_model(Clock),
        source_id=clock.pk,
        channel=Delivery.Channel.IN_APP,
        read_at__isnull=True,
        kind__in=[kind.value for kind in ReminderKind],
    ).update(read_at=at)


def _locked(clock: Clock) -> Clock:
    # Re-read under a row lock so two people (or a person and the sweep) cannot
    # both move the same clock.
    return Clock.objects.select_for_update().get(pk=clock.pk)


@transaction.atomic
def clock_meet(*, clock: Clock, at: datetime, by: Professional | None) -> Clock:
    """Record the timescale met at `at`: late if after due; a breached clock may be met late."""
    require_aware(at, "at", error=ClockError)
    clock = _locked(clock)
    if clock.state == Clock.State.MET:
        return clock  # meeting twice changes nothing: the first time stands
    if clock.state == Clock.State.WAIVED:
        raise ClockError("This timescale was waived and cannot be met")
    if at < clock.started_at:
        raise ClockError("A timescale cannot be met before it started")
    was = column_of(clock)
    clock.state = Clock.State.MET
    clock.met_at = at
    clock.modified_by = by
    clock.escalate_at = clock.remind_at = None  # nothing more for the sweep to do
    clock.save(
        update_fields=["state", "met_at", "escalate_at", "remind_at", "modified_by", "modified_at"]
    )
    tally_moved(clock, was=was)
    due_columns_refresh(clock)
    _reminders_retire(clock, at=at)
    return clock


@transaction.atomic
def clock_waive(*, clock: Clock, reason: str, at: datetime, by: Professional) -> Clock:
    require_aware(at, "at", error=ClockError)
    reason = reason.strip()
    if not reason:
        raise ClockError("Enter the reason the timescale no longer applies")
    clock = _locked(clock)
    if clock.state == Clock.State.MET:
        raise ClockError("This timescale was already met and cannot be waived")
    if clock.state == Clock.State.WAIVED:
        raise ClockError("This timescale was already waived")
    was = column_of(clock)
    clock.state = Clock.State.WAIVED
    clock.waived_at = at
    clock.waived_by = by
    clock.waived_reason = reason
    clock.modified_by = by
    clock.escalate_at = clock.remind_at = None  # nothing more for the sweep to do
    clock.save(
        update_fields=[
            "escalate_at",
            "remind_at",
            "state",
            "waived_at",
            "waived_by",
            "waived_reason",
            "modified_by",
            "modified_at",
        ]
    )
    tally_moved(clock, was=was)
    due_columns_refresh(clock)
    _reminders_retire(clock, at=at)
    return clock


@transaction.atomic
def clock_rescind(*, subject: models.Model, reason: str, at: datetime, by: Professional) -> int:
    """Waive every open clock of a subject that no longer exists in the process (e.g. cancelled)."""
    open_clocks = clocks_open_for(subject=subject)
    for clock in open_clocks:
        clock_waive(clock=clock, reason=reason, at=at, by=by)
    return len(open_clocks)


def clocks_open_for(*, subject: models.Model) -> list[Clock]:
    return list(
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            state__in=[Clock.State.PENDING, Clock.State.BREACHED],
        )
    )


@transaction.atomic
def clocks_sweep(*, now: datetime) -> list[Clock]:
    """Mark pending clocks past their due time as breached; return those newly breached.

    Rows are locked and skipped when another worker holds them, so several
    workers on PostgreSQL never breach (and escalate) the same clock twice.
    """
    require_aware(now, "now", error=ClockError)
    due = list(
        Clock.objects.select_for_update(skip_locked=True)
        .filter(state=Clock.State.PENDING, due_at__lt=now)
        .order_by("due_at")
    )
    # One UPDATE per chunk of ids, not a CASE per row (bulk_update): the same statement for
    # every clock, so a thousand clocks breached cost a couple of queries.
    ids = [clock.pk for clock in due]
    for start in range(0, len(ids), BREACH_CHUNK):
        Clock.objects.filter(pk__in=ids[start : start + BREACH_CHUNK]).update(
            state=Clock.State.BREACHED, breached_at=now
        )
    for clock in due:
        clock.state = Clock.State.BREACHED
        clock.breached_at = now
    tally_breached(due)
    if due:
        clocks_breached.send(Clock, clocks=due, now=now)
    return due
