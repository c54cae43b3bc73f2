"""Each child's route is decided for that child (R000.2, R002.12).

A discussion about siblings is read with the legal status that asks most of the
procedure (``referrals.policy.leading_legal_status``): a child in care brings
their carer, the CIC nurse and the HRPM question. That reading must never take
anything away from a sibling. Where a pack excludes a status from a timescale
or a section (Gloucestershire: no ICPC for a child in care, who goes to a care
plan review), the sibling with no status still needs the ICPC arrangements in
the record and the ICPC clock from the S47 decision. So the sections a record
needs, and the follow-on clocks it starts, are the union over the discussion's
reading and each child's own facts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from convene.discussions.models import Discussion
from convene.people.vocab import LegalStatus
from convene.policy import engine
from convene.policy.facts import CaseFacts
from convene.policy.pack import PolicyPack
from convene.policy.vocab import ClockKind, Decision, Pathway, RecordSection, StartEvent
from convene.referrals.policy import facts_per_child

__all__ = [
    "children_facts",
    "children_in_care",
    "follow_on_deadlines",
    "required_for_each_child",
]


def children_facts(discussion: Discussion, *, decision: Decision | None = None) -> list[CaseFacts]:
    """The case as it stands for each child of the discussion, in a stable order."""
    children = list(discussion.children.order_by("pk"))
    facts = facts_per_child(discussion.referral, children, pathway=Pathway(discussion.kind))
    if decision is None:
        return facts
    return [dataclasses.replace(f, decision=decision) for f in facts]


def children_in_care(discussion: Discussion) -> list[str]:
    """The names of the discussion's children in care: those the HRPM question is about."""
    return [
        child.full_name
        for child in discussion.children.order_by("pk")
        if child.legal_status == LegalStatus.CHILD_IN_CARE
    ]


def required_for_each_child(
    pack: PolicyPack, readings: Iterable[CaseFacts], decision: Decision
) -> list[engine.SectionRequirement]:
    """Every section any reading of the case needs for ``decision``, in agenda order.

    A section needed by several readings keeps every rule that asks for it, once.
    """
    merged: dict[RecordSection, engine.SectionRequirement] = {}
    for facts in readings:
        for requirement in engine.required_sections(pack, facts, decision):
            known = merged.get(requirement.section)
            if known is None:
                merged[requirement.section] = requirement
                continue
            pairs = dict(zip(known.rule_ids, known.citations, strict=True))
            for rule_id, citation in zip(requirement.rule_ids, requirement.citations, strict=True):
                pairs.setdefault(rule_id, citation)
            merged[requirement.section] = engine.SectionRequirement(
                section=requirement.section,
                rule_ids=tuple(pairs),
                citations=tuple(pairs.values()),
            )
    order = list(RecordSection)
    return sorted(merged.values(), key=lambda r: order.index(r.section))


def follow_on_deadlines(
    pack: PolicyPack,
    readings: Sequence[CaseFacts],
    *,
    events: Mapping[StartEvent, datetime],
    kinds: Iterable[ClockKind],
) -> dict[ClockKind, engine.Deadline]:
    """The governing deadline of each of ``kinds`` that any reading of the case sets.

    The first reading is the discussion's; a child's own reading adds a clock the
    discussion's did not set, and where two set one clock the earliest governs
    (on a tie the discussion's, so a correction keeps the clock it started).
    """
    wanted = set(kinds)
    found: dict[ClockKind, engine.Deadline] = {}
    for facts in readings:
        for deadline in engine.deadlines(pack, facts, events=events):
            if not deadline.governing or deadline.clock not in wanted:
                continue
            known = found.get(deadline.clock)
            if known is None or deadline.due_at < known.due_at:
                found[deadline.clock] = deadline
    return found
