"""Automatic escalation: each level of the pack's rule whose time has come, for a
breached clock (R004.8). One automatic escalation per (clock, level) is a database
constraint; clocks are locked with ``skip_locked`` so workers sweeping together share
them out (the sweep itself: :mod:`convene.clocks.escalation_sweep`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from convene.audit.context import AuditContext
from convene.audit.models import Action, AuditEntry
from convene.audit.services import audit_record_children
from convene.clocks.audience import Audience, audience_for
from convene.clocks.escalations.notices import (
    _audit,
    _notify_raised,
)
from convene.clocks.escalations.routing import (
    Plan,
    _address,
    _addressees,
    _plan,
    _responsible_text,
    _what_is_late,
)
from convene.clocks.labels import CLOCK_KIND_LABELS, addressee_label
from convene.clocks.models import Clock, Escalation
from convene.clocks.schedule import escalation_levels_due, next_escalation_at
from convene.clocks.status import describe_time_left
from convene.clocks.sweep_batch import SweepBatch
from convene.people.models import Agency, Professional
from convene.policy.engine import EscalationStep
from convene.policy.vocab import ClockKind
from convene.reminders.services import deliveries_decide


@transaction.atomic
def clock_escalate_due(
    *, clock_id: int, now: datetime, wait: bool = False, batch: SweepBatch | None = None
) -> list[Escalation] | None:
    """Raise the clock's levels due; None if another transaction holds it (and not ``wait``)."""
    # Locked and skipped when another worker holds it; re-read, since it may
    # have been met or waived (or escalated by another worker) since the list was made.
    due = Clock.objects.filter(pk=clock_id, state=Clock.State.BREACHED, escalate_at__lte=now)
    clock = (
        due.select_for_update(skip_locked=not wait, of=("self",))
        .select_related("partnership")
        .first()
    )
    if clock is None:
        return None if not wait and due.exists() else []
    plan = _plan(clock.policy_id, clock.kind, clock.started_at)
    if plan is None:
        return []  # logged; the cursor stays, so a mended pack escalates it next sweep
    steps, calendar = plan
    have = set(
        Escalation.objects.filter(
            clock=clock, direction=Escalation.Direction.AUTOMATIC
        ).values_list("level", flat=True)
    )
    batch = batch or SweepBatch([clock])
    subject = batch.subject_of(clock)
    raised = []
    for level, step in _levels_to_raise(clock, plan=plan, have=have, now=now):
        escalation = _automatic_create(
            clock=clock, subject=subject, level=level, step=step, now=now, batch=batch
        )
        if escalation is not None:
            raised.append(escalation)
    Clock.objects.filter(pk=clock.pk).update(
        escalate_at=next_escalation_at(
            steps=steps, clock_due_at=clock.due_at, calendar=calendar, raised=have
        )
    )
    return raised


def _levels_to_raise(
    clock: Clock, *, plan: Plan, have: set[int], now: datetime
) -> list[tuple[int, EscalationStep]]:
    """The levels due at ``now`` not raised yet; ``have`` then holds every level due."""
    steps, calendar = plan
    due = []
    for level, step in escalation_levels_due(
        steps=steps, clock_due_at=clock.due_at, now=now, calendar=calendar
    ):
        if level not in have:
            due.append((level, step))
        have.add(level)  # raised now, or by another worker first
    return due


@dataclass
class Draft:
    """An automatic escalation decided but not yet written, and who it is for."""

    escalation: Escalation
    people: list[Professional]
    agencies: list[Agency]
    audience: Audience


def _automatic_draft(
    *,
    clock: Clock,
    subject: object,
    level: int,
    step: EscalationStep,
    now: datetime,
    batch: SweepBatch,
) -> Draft:
    partnership = clock.partnership
    people, agencies, unresolved = _addressees(
        partnership=partnership, subject=subject, step=step, batch=batch
    )
    # Need-to-know: about a restricted record only the people named on it are told.
    audience = audience_for(
        partnership=partnership,
        subject=subject,
        professionals=people,
        agencies=agencies,
        viewers=batch.viewers,
        managers=batch.managers(partnership),
        staff=lambda: batch.staff(partnership),
    )
    escalation = Escalation(
        partnership=clock.partnership,
        clock=clock,
        subject_type_id=clock.subject_type_id,
        subject_id=clock.subject_id,
        case_referral_id=clock.case_referral_id,
        direction=Escalation.Direction.AUTOMATIC,
        level=level,
        rule_id=step.rule_id,
        citation=str(step.citation)[:300],
        raised_at=now,
        what_is_late=_what_is_late(clock),
        how_late=describe_time_left(due_at=clock.due_at, now=now),
        responsible=_responsible_text(clock, subject, batch=batch),
        addressed_roles=[role.value for role in step.roles],
        addressed_parties=[party.value for party in step.parties],
        unresolved=unresolved,
    )
    return Draft(escalation, list(audience.professionals), list(audience.agencies), audience)


def _automatic_create(
    *,
    clock: Clock,
    subject: object,
    level: int,
    step: EscalationStep,
    now: datetime,
    batch: SweepBatch | None = None,
    into: list[Draft] | None = None,
) -> Escalation | None:
    """Raise one level (None if another worker raised it first); with ``into``, only decide
    it: the draft is added there for the batch to write (:mod:`.batch`), nothing is saved."""
    batch = batch or SweepBatch([clock])
    draft = _automatic_draft(
        clock=clock, subject=subject, level=level, step=step, now=now, batch=batch
    )
    escalation = draft.escalation
    if into is not None:
        into.append(draft)
        return escalation
    try:
        with transaction.atomic():
            escalation.save(force_insert=True)
    except IntegrityError:
        if Escalation.objects.filter(
            clock=clock, level=level, direction=Escalation.Direction.AUTOMATIC
        ).exists():
            return None  # another worker raised this level first
        raise
    _address(escalation, people=draft.people, agencies=draft.agencies)
    _announce(draft, now=now)
    return escalation


def _announce(
    draft: Draft,
    *,
    now: datetime,
    record: Callable[..., list[AuditEntry]] = audit_record_children,
    decide: Callable[..., int] = deliveries_decide,
) -> None:
    """The audit entries and notices of a raised escalation (written, or collected by a batch)."""
    escalation = draft.escalation
    level = escalation.level
    _audit(
        escalation,
        action=Action.CREATE,
        summary=f"Raised automatically, level {level}: {escalation.what_is_late}",
        by=None,
        context=AuditContext.system(),
        record=record,
    )
    why = ", ".join(
        addressee_label(v) for v in [*escalation.addressed_roles, *escalation.addressed_parties]
    )
    clock = escalation.clock
    assert clock is not None  # an automatic escalation is always about a clock
    kind = CLOCK_KIND_LABELS[ClockKind(clock.kind)]
    _notify_raised(
        escalation,
        audience=draft.audience,
        subject=f"Escalation (level {level}): {kind} is late",
        body=(
            f"Convene has escalated a missed timescale (level {level}).\n\n"
            f"What is late: {escalation.what_is_late}\n"
            f"How late: {escalation.how_late}\n"
            f"Responsible: {escalation.responsible}\n"
            f"Escalated to: {why}\n"
            f"Rule: {escalation.citation}\n\n"
            "Acknowledge it, then record the outcome when it is resolved."
        ),
        now=now,
        decide=decide,
    )
