"""Helpers the follow-through services share: time checks, locking, clocks from the engine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time

from django.db import models

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction

__all__ = [
    "AuditAction",
    "audit",
    "aware",
    "governing_deadline",
    "meet_open",
    "open_clocks",
    "start_clock",
    "start_of",
    "text",
]
from convene.audit.services import audit_record
from convene.clocks.models import Clock
from convene.clocks.services import clock_meet, clock_start, clocks_open_for
from convene.core.errors import Invalid
from convene.people.models import Child, Partnership, Professional
from convene.policy import engine
from convene.policy.facts import CaseFacts
from convene.policy.pack import PolicyPack
from convene.policy.vocab import ClockKind, StartEvent
from convene.workdays import LONDON


def aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid(f"{name} must carry a time zone", field=name)


def text(value: str) -> str:
    return value.strip()


def start_of(day: date) -> datetime:
    """A date chosen on a form as a start event: the start of that London day."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)


def governing_deadline(
    *,
    pack: PolicyPack,
    facts: CaseFacts,
    kind: ClockKind,
    events: Mapping[StartEvent, datetime],
) -> engine.Deadline | None:
    """The deadline of ``kind`` that governs for these facts and events, if the pack sets one."""
    return next(
        (
            d
            for d in engine.deadlines(pack, facts, events=events)
            if d.clock == kind and d.governing
        ),
        None,
    )


def start_clock(
    *,
    partnership: Partnership,
    subject: models.Model,
    deadline: engine.Deadline,
    pack: PolicyPack,
    started_at: datetime,
    by: Professional | None,
) -> Clock:
    return clock_start(
        partnership=partnership,
        subject=subject,
        kind=deadline.clock,
        rule_id=deadline.rule_id,
        policy_id=pack.ref.policy_id,
        policy_version=pack.ref.version,
        citation=str(deadline.citation),
        summary=deadline.summary,
        # A due date already passed when the clock starts (an action recorded late):
        # the clock may not be due before it starts, so it starts at its due time.
        started_at=min(started_at, deadline.due_at),
        due_at=deadline.due_at,
        by=by,
    )


def open_clocks(subject: models.Model, kinds: Iterable[ClockKind]) -> list[Clock]:
    wanted = {kind.value for kind in kinds}
    return [clock for clock in clocks_open_for(subject=subject) if clock.kind in wanted]


def meet_open(
    subject: models.Model, kinds: Iterable[ClockKind], *, at: datetime, by: Professional
) -> list[Clock]:
    """Meet the subject's open clocks of ``kinds`` at ``at`` (met late when past due)."""
    return [
        clock_meet(clock=clock, at=max(at, clock.started_at), by=by)
        for clock in open_clocks(subject, kinds)
    ]


def audit(
    *,
    by: Professional,
    action: AuditAction,
    obj: models.Model,
    summary: str,
    children: Iterable[Child],
    context: AuditContext | None = None,
) -> None:
    """One audit entry per child the change is about (so "who has looked" lists it), in the
    caller's transaction: the change and its record commit together. With ``context``, an
    API request's entry names the token used."""
    about: list[Child | None] = [*children] or [None]
    for child in about:
        audit_record(
            actor=by, action=action, obj=obj, child=child, summary=summary, context=context
        )
