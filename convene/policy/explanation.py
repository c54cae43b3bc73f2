"""One object that says what the policy asks of a case, and why: the CLI, UI and API show it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from convene.people.vocab import Role
from convene.policy import engine
from convene.policy.conditions import describe
from convene.policy.facts import CaseFacts
from convene.policy.pack import Citation, PolicyPack, PolicyRef
from convene.policy.vocab import ClockKind, Decision, Pathway, StartEvent

__all__ = ["AppliedRule", "Explanation", "explain"]


@dataclass(frozen=True)
class AppliedRule:
    rule_id: str
    kind: str
    summary: str
    citation: Citation
    conditions: tuple[str, ...]
    interpretation: str | None


@dataclass(frozen=True)
class Explanation:
    policy: PolicyRef
    title: str
    lineage: tuple[tuple[str, str], ...]
    conventions: str
    facts: CaseFacts
    reference_date: date
    now: datetime | None
    recommendation: engine.PathwayRecommendation
    # Besides the pathway: other processes advised, reasons to record before deciding.
    advice: tuple[engine.Advice, ...]
    reasons_asked: tuple[engine.ReasonAsked, ...]
    # What the other rules were evaluated with: the chosen pathway, else the recommended.
    pathway: Pathway | None
    deadlines: tuple[engine.Deadline, ...]
    awaiting: tuple[engine.AwaitedClock, ...]
    attendance: tuple[engine.AttendanceRequirement, ...]
    chair_roles: frozenset[Role]
    authorise_roles: frozenset[Role]
    sections: Mapping[Decision, tuple[engine.SectionRequirement, ...]]
    escalations: Mapping[ClockKind, tuple[engine.EscalationStep, ...]]
    rules: tuple[AppliedRule, ...]

    def overdue(self, deadline: engine.Deadline) -> bool | None:
        """Whether ``deadline`` had passed at ``now``; None when no ``now`` was given."""
        return None if self.now is None else self.now > deadline.due_at


def explain(
    pack: PolicyPack,
    facts: CaseFacts,
    *,
    events: Mapping[StartEvent, datetime],
    now: datetime | None = None,
) -> Explanation:
    """Everything the pack says about ``facts``: pathway, deadlines, people, record, escalation."""
    if now is not None and now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    for event, moment in events.items():
        if moment.utcoffset() is None:
            raise ValueError(f"event {event} must be timezone-aware")
    deadlines = engine.deadlines(pack, facts, events=events)
    awaiting = engine.awaiting(pack, facts, events=events)
    decisions = [facts.decision] if facts.decision is not None else list(Decision)
    clocks = {d.clock for d in deadlines} | {a.clock for a in awaiting}
    applied = engine.applicable_rules(pack, facts)
    return Explanation(
        policy=pack.ref,
        title=pack.title,
        lineage=pack.lineage,
        conventions=pack.conventions,
        facts=facts,
        reference_date=facts.reference_date,
        now=now,
        recommendation=engine.recommend_pathway(pack, facts),
        advice=tuple(engine.advice(pack, facts)),
        reasons_asked=tuple(engine.reasons_asked(pack, facts)),
        pathway=engine.effective_pathway(pack, facts),
        deadlines=tuple(deadlines),
        awaiting=tuple(awaiting),
        attendance=tuple(engine.required_attendance(pack, facts)),
        chair_roles=engine.chair_roles(pack, facts),
        authorise_roles=engine.authorise_roles(pack, facts),
        sections={d: tuple(engine.required_sections(pack, facts, d)) for d in decisions},
        escalations={
            clock: tuple(engine.escalation_levels(pack, clock, on=facts.reference_date))
            for clock in ClockKind
            if clock in clocks
        },
        rules=tuple(
            AppliedRule(
                rule_id=rule.id,
                kind=rule.kind,
                summary=rule.summary,
                citation=pack.citation(rule),
                conditions=tuple(describe(rule.applies_when)),
                interpretation=rule.interpretation,
            )
            for rule in applied
        ),
    )
