"""From the policy engine's deadline to a running clock, and the subject's open clocks of a kind.

The engine (``convene.policy.engine``) says which deadline governs for a case's facts and
its start events; a service that has built the facts and loaded the pack once for its
operation asks here for that deadline and starts its clock, so the step from a deadline to
a clock is written once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import models

from convene.clocks.models import Clock
from convene.clocks.services import clock_meet, clock_start, clocks_open_for
from convene.people.models import Partnership, Professional
from convene.policy import engine
from convene.policy.facts import CaseFacts
from convene.policy.pack import PolicyPack
from convene.policy.vocab import ClockKind, StartEvent

__all__ = ["clock_start_for_deadline", "clocks_meet_open", "clocks_open_of", "governing_deadline"]


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


def clock_start_for_deadline(
    *,
    partnership: Partnership,
    subject: models.Model,
    deadline: engine.Deadline,
    pack: PolicyPack,
    started_at: datetime,
    by: Professional | None,
) -> Clock:
    """Start the clock ``deadline`` sets, citing the rule and the pack that set it."""
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


def clocks_open_of(subject: models.Model, kinds: Iterable[ClockKind]) -> list[Clock]:
    wanted = {kind.value for kind in kinds}
    return [clock for clock in clocks_open_for(subject=subject) if clock.kind in wanted]


def clocks_meet_open(
    subject: models.Model, kinds: Iterable[ClockKind], *, at: datetime, by: Professional
) -> list[Clock]:
    """Meet the subject's open clocks of ``kinds`` at ``at`` (met late when past due)."""
    return [
        clock_meet(clock=clock, at=max(at, clock.started_at), by=by)
        for clock in clocks_open_of(subject, kinds)
    ]
