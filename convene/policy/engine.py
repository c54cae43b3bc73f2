"""The rule engine: pure functions of a pack, the facts of a case and the events given.

No Django, no database, no clock: "now" and every event time are arguments.
The rules used are those in force on the case's reference date (the London
date of ``facts.received_at``), so a later change to a pack never changes
the answer for an earlier case. :func:`convene.policy.explanation.explain`
puts all of these answers together with their reasons.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from convene.people.vocab import Role
from convene.policy.conditions import describe, matches
from convene.policy.facts import CaseFacts
from convene.policy.pack import Citation, PolicyPack
from convene.policy.schema import (
    AdviceRule,
    AttendanceRule,
    ChairRule,
    EscalationRule,
    PathwayRule,
    ReasonRule,
    RecordRule,
    Rule,
    TimescaleRule,
)
from convene.policy.vocab import (
    Basis,
    ClockKind,
    Decision,
    Party,
    Pathway,
    RecordSection,
    Requirement,
    StartEvent,
)
from convene.workdays import Unit, due_at

__all__ = [
    "Advice",
    "AttendanceRequirement",
    "AwaitedClock",
    "Deadline",
    "EscalationStep",
    "PathwayRecommendation",
    "ReasonAsked",
    "SectionRequirement",
    "advice",
    "applicable_rules",
    "authorise_roles",
    "awaiting",
    "chair_roles",
    "deadlines",
    "effective_pathway",
    "escalation_levels",
    "may_authorise",
    "may_chair",
    "reasons_asked",
    "recommend_pathway",
    "required_attendance",
    "required_sections",
]

R = TypeVar("R", bound=Rule)
T = TypeVar("T")


@dataclass(frozen=True)
class PathwayRecommendation:
    pathway: Pathway | None
    rule_id: str | None
    citation: Citation | None
    reasons: tuple[str, ...]
    # Other pathway rules that matched, highest priority first, and lost.
    outranked: tuple[tuple[str, Pathway, int], ...] = ()


@dataclass(frozen=True)
class Deadline:
    clock: ClockKind
    rule_id: str
    summary: str
    citation: Citation
    start_event: StartEvent
    started_at: datetime
    due_at: datetime
    amount: int
    unit: Unit
    basis: Basis
    advisory: bool
    interpretation: str | None
    # The earliest deadline of its clock governs; the others are shown, not run.
    governing: bool = True
    superseded_by: str | None = None


@dataclass(frozen=True)
class AwaitedClock:
    """A timescale that applies but whose start event has not happened yet."""

    clock: ClockKind
    rule_id: str
    start_event: StartEvent
    summary: str
    citation: Citation


@dataclass(frozen=True)
class AttendanceRequirement:
    rule_id: str
    requirement: Requirement
    roles: tuple[Role, ...]  # any one of them satisfies it
    party: Party | None
    summary: str
    citation: Citation


@dataclass(frozen=True)
class SectionRequirement:
    section: RecordSection
    rule_ids: tuple[str, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Advice:
    """Something else the pack advises besides the pathway (e.g. a trigger meeting, R004.6)."""

    rule_id: str
    summary: str
    also: Pathway | None
    citation: Citation


@dataclass(frozen=True)
class ReasonAsked:
    """A reason someone must record before the pathway is decided (R000.1, R004.7)."""

    rule_id: str
    summary: str
    question: str
    citation: Citation


@dataclass(frozen=True)
class EscalationStep:
    rule_id: str
    roles: tuple[Role, ...]
    parties: tuple[Party, ...]
    after_working_days: int
    citation: Citation


def _of_kind(rules: Iterable[Rule], kind: type[R]) -> list[R]:
    return [rule for rule in rules if isinstance(rule, kind)]


def recommend_pathway(pack: PolicyPack, facts: CaseFacts) -> PathwayRecommendation:
    """The pathway of the highest-priority matching pathway rule, with why."""
    candidates = [
        rule
        for rule in _of_kind(pack.rules_in_force(facts.reference_date), PathwayRule)
        if matches(rule.applies_when, facts, pathway=None)
    ]
    if not candidates:
        return PathwayRecommendation(
            pathway=None,
            rule_id=None,
            citation=None,
            reasons=("no pathway rule of this pack matches these facts: the manager decides",),
        )
    candidates.sort(key=lambda rule: rule.priority, reverse=True)
    winner, *others = candidates
    reasons = [winner.summary, *(f"because {phrase}" for phrase in describe(winner.applies_when))]
    reasons += [
        f"outranks {rule.id} ({rule.pathway}, priority {rule.priority} < {winner.priority})"
        for rule in others
    ]
    return PathwayRecommendation(
        pathway=winner.pathway,
        rule_id=winner.id,
        citation=pack.citation(winner),
        reasons=tuple(reasons),
        outranked=tuple((rule.id, rule.pathway, rule.priority) for rule in others),
    )


def effective_pathway(pack: PolicyPack, facts: CaseFacts) -> Pathway | None:
    """The pathway the other rules see: the one chosen, else the one recommended."""
    return facts.pathway or recommend_pathway(pack, facts).pathway


def applicable_rules(pack: PolicyPack, facts: CaseFacts) -> list[Rule]:
    """Every rule in force on the reference date whose conditions hold, in pack order."""
    pathway = effective_pathway(pack, facts)
    return [
        rule
        for rule in pack.rules_in_force(facts.reference_date)
        if matches(rule.applies_when, facts, pathway=pathway)
    ]


def _timescales(pack: PolicyPack, facts: CaseFacts) -> list[TimescaleRule]:
    return _of_kind(applicable_rules(pack, facts), TimescaleRule)


def deadlines(
    pack: PolicyPack, facts: CaseFacts, *, events: Mapping[StartEvent, datetime]
) -> list[Deadline]:
    """Every deadline that the events given let us compute, earliest first.

    ``referral_received`` defaults to ``facts.received_at``. Where several
    rules set the same clock, all are returned; the earliest governs ("sooner
    where immediate protection is needed", R004.2).
    """
    known = {StartEvent.REFERRAL_RECEIVED: facts.received_at, **events}
    found = [
        Deadline(
            clock=rule.clock,
            rule_id=rule.id,
            summary=rule.summary,
            citation=pack.citation(rule),
            start_event=rule.start_event,
            started_at=known[rule.start_event],
            due_at=due_at(
                start=known[rule.start_event],
                amount=rule.amount,
                unit=rule.unit,
                calendar=pack.calendar,
            ),
            amount=rule.amount,
            unit=rule.unit,
            basis=rule.basis,
            advisory=rule.advisory,
            interpretation=rule.interpretation,
        )
        for rule in _timescales(pack, facts)
        if rule.start_event in known
    ]
    found.sort(key=lambda d: d.due_at)  # stable: ties keep pack order, bases first
    governing: dict[ClockKind, str] = {}
    result = []
    for deadline in found:
        first = governing.setdefault(deadline.clock, deadline.rule_id)
        if first != deadline.rule_id:
            deadline = dataclasses.replace(deadline, governing=False, superseded_by=first)
        result.append(deadline)
    return result


def awaiting(
    pack: PolicyPack, facts: CaseFacts, *, events: Mapping[StartEvent, datetime]
) -> list[AwaitedClock]:
    """Timescales that apply but cannot be computed until their start event happens."""
    known = {StartEvent.REFERRAL_RECEIVED, *events}
    return [
        AwaitedClock(
            clock=rule.clock,
            rule_id=rule.id,
            start_event=rule.start_event,
            summary=rule.summary,
            citation=pack.citation(rule),
        )
        for rule in _timescales(pack, facts)
        if rule.start_event not in known
    ]


def _cited(
    pack: PolicyPack, facts: CaseFacts, kind: type[R], make: Callable[..., T], *copied: str
) -> list[T]:
    """``make`` for each applicable rule of ``kind``, in pack order: the rule's id, the
    ``copied`` fields under the same names, and the rule's citation."""
    return [
        make(
            rule_id=rule.id,
            citation=pack.citation(rule),
            **{name: getattr(rule, name) for name in copied},
        )
        for rule in _of_kind(applicable_rules(pack, facts), kind)
    ]


# Every fact a rule's conditions can read: all but the time received, which only chooses
# the rules in force (by its London date).
_CONDITION_FACTS = tuple(f.name for f in dataclasses.fields(CaseFacts) if f.name != "received_at")
MEMO_MAX = 4096


def _memo_key(kind: str, pack: PolicyPack, facts: CaseFacts) -> tuple[object, ...]:
    """The same key for two cases the rules cannot tell apart: the same rules in force (one
    tuple for every day that has them) and the same facts but the time received."""
    in_force = pack.rules_in_force(facts.reference_date)
    return (kind, id(in_force), *(getattr(facts, name) for name in _CONDITION_FACTS))


def required_attendance(pack: PolicyPack, facts: CaseFacts) -> list[AttendanceRequirement]:
    """Who must, should where possible, and must never attend; each with its citation.

    Kept per pack for cases the rules cannot tell apart (a list of discussions asks it of
    every row; most rows share their answer)."""
    key = _memo_key("attendance", pack, facts)
    found = pack.memo.get(key)
    if found is None:
        if len(pack.memo) >= MEMO_MAX:
            pack.memo.clear()
        found = pack.memo[key] = tuple(_required_attendance(pack, facts))
    assert isinstance(found, tuple)
    return list(found)


def _required_attendance(pack: PolicyPack, facts: CaseFacts) -> list[AttendanceRequirement]:
    fields = ("requirement", "roles", "party", "summary")
    return _cited(pack, facts, AttendanceRule, AttendanceRequirement, *fields)


def advice(pack: PolicyPack, facts: CaseFacts) -> list[Advice]:
    """What the pack advises besides the pathway in effect, in pack order."""
    return _cited(pack, facts, AdviceRule, Advice, "summary", "also")


def reasons_asked(pack: PolicyPack, facts: CaseFacts) -> list[ReasonAsked]:
    """The reasons to record before the pathway is decided for these facts, in pack order."""
    return _cited(pack, facts, ReasonRule, ReasonAsked, "summary", "question")


def _chair_rules(pack: PolicyPack, facts: CaseFacts) -> list[ChairRule]:
    return _of_kind(applicable_rules(pack, facts), ChairRule)


def _every(role_sets: Iterable[tuple[Role, ...]]) -> frozenset[Role]:
    # Every applicable chair rule must be satisfied (e.g. the national "social
    # care manager" and the 2014 standard's "deputy team manager or team
    # manager"), so the roles allowed are those every rule allows.
    result: frozenset[Role] | None = None
    for roles in role_sets:
        result = frozenset(roles) if result is None else result & frozenset(roles)
    return result or frozenset()


def chair_roles(pack: PolicyPack, facts: CaseFacts) -> frozenset[Role]:
    return _every(rule.chair_roles for rule in _chair_rules(pack, facts))


def authorise_roles(pack: PolicyPack, facts: CaseFacts) -> frozenset[Role]:
    return _every(rule.authorise_roles for rule in _chair_rules(pack, facts))


def may_chair(pack: PolicyPack, facts: CaseFacts, roles: Iterable[Role]) -> bool:
    """Whether someone holding ``roles`` may chair the discussion (R001.5, R002.4)."""
    return bool(chair_roles(pack, facts) & set(roles))


def may_authorise(pack: PolicyPack, facts: CaseFacts, roles: Iterable[Role]) -> bool:
    """Whether someone holding ``roles`` may authorise the record and a S47 (R001.5)."""
    return bool(authorise_roles(pack, facts) & set(roles))


def required_sections(
    pack: PolicyPack, facts: CaseFacts, decision: Decision
) -> list[SectionRequirement]:
    """The record sections ``decision`` needs before it can be authorised, in agenda order."""
    decided = dataclasses.replace(facts, decision=decision)
    sources: dict[RecordSection, list[RecordRule]] = {}
    for rule in _of_kind(applicable_rules(pack, decided), RecordRule):
        if decision in rule.decisions:
            for section in rule.sections:
                sources.setdefault(section, []).append(rule)
    order = list(RecordSection)
    return [
        SectionRequirement(
            section=section,
            rule_ids=tuple(rule.id for rule in rules),
            citations=tuple(pack.citation(rule) for rule in rules),
        )
        for section, rules in sorted(sources.items(), key=lambda item: order.index(item[0]))
    ]


def escalation_levels(pack: PolicyPack, clock: ClockKind, *, on: date) -> list[EscalationStep]:
    """Who is told, in order, when a ``clock`` of a case with reference date ``on`` breaches.

    Escalation rules have no conditions (the loader refuses them) and at most
    one is in force per clock, so no facts are needed.
    """
    for rule in _of_kind(pack.rules_in_force(on), EscalationRule):
        if clock in rule.clocks:
            return [
                EscalationStep(
                    rule_id=rule.id,
                    roles=level.roles,
                    parties=level.parties,
                    after_working_days=level.after_working_days,
                    citation=pack.citation(rule),
                )
                for level in rule.levels
            ]
    return []
