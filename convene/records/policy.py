"""The policy as the record sees it: one pack, one set of facts, built the referral's way.

The facts come from ``convene.referrals.policy.case_facts`` (the one builder;
the record adds only the decision), so the sections required, who may
authorise and every clock are answered from the same facts as the triage.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from convene.core.access import is_read_only
from convene.discussions.models import Discussion
from convene.people.models import Professional
from convene.people.selectors import partnerships_of
from convene.people.vocab import AgencyKind, LegalStatus
from convene.policy import engine
from convene.policy.facts import CaseFacts
from convene.policy.pack import PolicyPack
from convene.policy.vocab import Decision, Pathway, RecordSection
from convene.records import sections
from convene.records.errors import MissingSection
from convene.records.per_child import required_for_each_child
from convene.referrals.policy import case_facts, pack_for
from convene.workdays import LONDON

__all__ = [
    "Completeness",
    "completeness",
    "date_event",
    "discussion_facts",
    "discussion_pack",
    "is_social_care_manager",
    "may_authorise",
    "may_chair",
    "shown_parts",
]


def discussion_pack(discussion: Discussion) -> PolicyPack:
    return pack_for(discussion.referral)


def discussion_facts(discussion: Discussion, *, decision: Decision | None = None) -> CaseFacts:
    children = list(discussion.children.all())
    facts = case_facts(discussion.referral, children, pathway=Pathway(discussion.kind))
    return dataclasses.replace(facts, decision=decision) if decision else facts


def _in_partnership(user: Professional, discussion: Discussion) -> bool:
    """Social care of the discussion's partnership who may write (never an auditor)."""
    return (
        user.is_active
        and not is_read_only(user=user)
        and user.agency is not None
        and user.agency.kind == AgencyKind.SOCIAL_CARE
        and partnerships_of(user=user).filter(pk=discussion.partnership_id).exists()
    )


def is_social_care_manager(user: Professional, discussion: Discussion) -> bool:
    return _in_partnership(user, discussion)


def may_chair(user: Professional, discussion: Discussion) -> bool:
    """The chair, or a manager the policy lets chair (R001.5, R002.4), in this partnership."""
    if not _in_partnership(user, discussion):
        return False
    if discussion.chair_id == user.pk:
        return True
    return engine.may_chair(
        discussion_pack(discussion), discussion_facts(discussion), user.role_set
    )


def may_authorise(user: Professional, discussion: Discussion) -> bool:
    """A manager the policy lets authorise the record and a S47 (R001.5), in this partnership."""
    return _in_partnership(user, discussion) and engine.may_authorise(
        discussion_pack(discussion), discussion_facts(discussion), user.role_set
    )


@dataclass(frozen=True)
class Completeness:
    decision: Decision | None
    required: tuple[engine.SectionRequirement, ...]
    complete: frozenset[RecordSection]
    missing: tuple[MissingSection, ...]

    @property
    def ready(self) -> bool:
        return self.decision is not None and not self.missing


def _missing(requirement: engine.SectionRequirement) -> MissingSection:
    citations = "; ".join(
        f"{rule_id}, {', '.join(c.requirements)}"
        for rule_id, c in zip(requirement.rule_ids, requirement.citations, strict=True)
    )
    return MissingSection(
        section=requirement.section,
        title=sections.SECTION_TITLES[requirement.section],
        rule_ids=requirement.rule_ids,
        citation=citations,
    )


def completeness(
    pack: PolicyPack,
    facts: CaseFacts,
    contents: Mapping[RecordSection, Mapping[str, Any]],
    *,
    per_child: Sequence[CaseFacts] = (),
) -> Completeness:
    """What the policy requires for the decision recorded, and what of it is not complete.

    With no decision yet, the decision itself is what is missing: which other
    sections are needed depends on it. ``per_child`` (``per_child.children_facts``)
    adds what each child's own facts need (R000.2): a sibling with no status needs
    the ICPC arrangements even when a sibling in care leads the discussion's facts.
    """
    decision = sections.decision_of(contents)
    complete = sections.complete_sections(contents)
    if decision is None:
        required: list[engine.SectionRequirement] = []
        missing = [
            MissingSection(
                section=RecordSection.DECISION,
                title=sections.SECTION_TITLES[RecordSection.DECISION],
                rule_ids=(),
                citation="the sections a record needs depend on the decision",
            )
        ]
    else:
        required = required_for_each_child(pack, [facts, *per_child], decision)
        missing = [_missing(r) for r in required if r.section not in complete]
    return Completeness(
        decision=decision, required=tuple(required), complete=complete, missing=tuple(missing)
    )


def shown_parts(
    facts: CaseFacts,
    decision: Decision | None,
    required: frozenset[RecordSection],
    started: frozenset[RecordSection],
) -> list[sections.Part]:
    """The parts the task list and the record show: all but conditional ones that do not apply.

    A conditional part shows when required, already written in, or relevant:
    the S47 plan and ABE for a S47 decision (ABE when joint), safe discharge for
    a child in hospital, the ICPC for a S47 decision, the HRPM for a child in care.
    """
    relevant = {
        RecordSection.S47_PLAN: decision is not None and decision.starts_s47,
        RecordSection.ABE_INTERVIEW: decision == Decision.S47_JOINT,
        RecordSection.SAFE_DISCHARGE: facts.in_hospital,
        RecordSection.ICPC_ARRANGEMENTS: decision is not None and decision.starts_s47,
        RecordSection.HRPM_CONSIDERATION: facts.legal_status == LegalStatus.CHILD_IN_CARE,
    }
    return [
        part
        for part in sections.PARTS
        if not part.conditional
        or part.section in required
        or part.section in started
        or relevant.get(part.section, False)
    ]


def date_event(day: Any) -> datetime:
    """A date chosen in the record as a start event: the start of that London day."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)
