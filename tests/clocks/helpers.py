"""Clocks and escalations for the tests of the sweep, reminders and escalations."""

from __future__ import annotations

from datetime import datetime

from convene.clocks import services
from convene.clocks.models import Clock
from convene.people.factories import ChildFactory
from convene.people.models import Partnership
from convene.policy.vocab import ClockKind


def make_clock(
    partnership: Partnership,
    *,
    started_at: datetime,
    due_at: datetime,
    kind: ClockKind = ClockKind.CONVENE,
    policy_id: str | None = None,
    subject: object = None,
    summary: str = "Held within 3 working days",
) -> Clock:
    return services.clock_start(
        partnership=partnership,
        subject=subject if subject is not None else ChildFactory(partnership=partnership),
        kind=kind,
        rule_id=f"{policy_id or partnership.policy_id}.{kind.value}",
        policy_id=policy_id or partnership.policy_id,
        policy_version="2026.1",
        citation="R004.3 test citation",
        summary=summary,
        started_at=started_at,
        due_at=due_at,
        by=None,
    )
