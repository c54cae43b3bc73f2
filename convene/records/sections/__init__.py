"""The parts of a strategy discussion record, in agenda order: the registry.

Pure of the database. Each part is one :class:`Part` in a module of its own in this
package (its schema, title, hint, completeness rule, how it reads as text, its form
and its page template); this module lists them in order and answers for the record
as a whole. Every caller (the pages, the services, the check, the snapshot and PDF,
the family summary, the API) goes through here, never through a per-section branch.
Adding a part is: the section in ``convene.policy.vocab.RecordSection``, one module
here listed in ``PARTS``, a migration if the database's choices change, and its test
(docs/record.md, "Adding a section").

The decision part also carries ``decision_reasons`` (the decision is never recorded
without its reasons, R002.11), so every ``RecordSection`` the packs can require maps
to exactly one part (:func:`part_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from convene.policy.vocab import Decision, RecordSection
from convene.records.sections import (
    actions,
    analysis,
    attendance,
    child_seen_alone,
    decision,
    diversity,
    family_communication,
    hrpm,
    icpc,
    immediate_protection,
    information_shared,
    introduction,
    lado_legal,
    next_discussion,
    plan_texts,
    professional_views,
    record_distribution,
    risk_assessment,
    s47_plan,
)
from convene.records.sections._base import (
    LINE_MAX,
    TEXT_MAX,
    Content,
    ContentInvalid,
    Contents,
    FormInputs,
    Group,
    Item,
    Part,
)
from convene.records.sections._text_parts import TextContent
from convene.records.sections.actions import ActionItem, ActionsContent, OwnerKind
from convene.records.sections.analysis import AnalysisContent
from convene.records.sections.attendance import (
    ATTENDANCE_LABELS,
    FORMAT_LABELS,
    AttendanceContent,
    AttendanceRow,
    AttendanceStatus,
    DiscussionFormat,
    attendance_in,
)
from convene.records.sections.child_seen_alone import ChildSeenAloneContent
from convene.records.sections.decision import DECISION_HINTS, DECISION_LABELS, DecisionContent
from convene.records.sections.diversity import DiversityContent
from convene.records.sections.family_communication import (
    SHARING_LABELS,
    FamilyCommunicationContent,
    Sharing,
)
from convene.records.sections.hrpm import HrpmContent
from convene.records.sections.icpc import IcpcContent
from convene.records.sections.immediate_protection import ImmediateProtectionContent
from convene.records.sections.information_shared import Contribution, InformationSharedContent
from convene.records.sections.introduction import IntroductionContent
from convene.records.sections.lado_legal import LadoLegalContent
from convene.records.sections.next_discussion import NextDiscussionContent
from convene.records.sections.professional_views import (
    S47_BY_LABELS,
    VIEW_LABELS,
    ProfessionalView,
    ProfessionalViewsContent,
    S47By,
    View,
    views_missing,
)
from convene.records.sections.record_distribution import RecordDistributionContent
from convene.records.sections.risk_assessment import (
    RISK_FACTOR_LABELS,
    RiskAssessmentContent,
    RiskFactor,
)
from convene.records.sections.s47_plan import S47PlanContent

__all__ = [
    "ATTENDANCE_LABELS",
    "DECISION_HINTS",
    "DECISION_LABELS",
    "FORMAT_LABELS",
    "LINE_MAX",
    "PARTS",
    "RISK_FACTOR_LABELS",
    "S47_BY_LABELS",
    "SECTION_TITLES",
    "SHARING_LABELS",
    "TEXT_MAX",
    "VIEW_LABELS",
    "ActionItem",
    "ActionsContent",
    "AnalysisContent",
    "AttendanceContent",
    "AttendanceRow",
    "AttendanceStatus",
    "ChildSeenAloneContent",
    "Content",
    "ContentInvalid",
    "Contents",
    "Contribution",
    "DecisionContent",
    "DiscussionFormat",
    "DiversityContent",
    "FamilyCommunicationContent",
    "FormInputs",
    "Group",
    "HrpmContent",
    "IcpcContent",
    "ImmediateProtectionContent",
    "InformationSharedContent",
    "IntroductionContent",
    "Item",
    "LadoLegalContent",
    "NextDiscussionContent",
    "OwnerKind",
    "Part",
    "ProfessionalView",
    "ProfessionalViewsContent",
    "RecordDistributionContent",
    "RiskAssessmentContent",
    "RiskFactor",
    "S47By",
    "S47PlanContent",
    "Sharing",
    "TextContent",
    "View",
    "answered",
    "attendance_in",
    "complete_sections",
    "decision_of",
    "is_complete",
    "is_started",
    "items",
    "parse_content",
    "part",
    "part_of",
    "views_missing",
]

# The agenda of seed 001, in order: the task list, the check page and the PDF follow it.
PARTS: tuple[Part, ...] = (
    attendance.PART,
    introduction.PART,
    information_shared.PART,
    risk_assessment.PART,
    analysis.PART,
    professional_views.PART,
    decision.PART,
    s47_plan.PART,
    plan_texts.CRIMINAL_INVESTIGATION,
    plan_texts.ABE_INTERVIEW,
    plan_texts.MEDICAL_ASSESSMENT,
    immediate_protection.PART,
    plan_texts.SAFE_DISCHARGE,
    child_seen_alone.PART,
    diversity.PART,
    plan_texts.OTHER_CHILDREN,
    family_communication.PART,
    lado_legal.PART,
    actions.PART,
    next_discussion.PART,
    record_distribution.PART,
    icpc.PART,
    hrpm.PART,
)

_BY_SECTION: dict[RecordSection, Part] = {p.section: p for p in PARTS}
_BY_SLUG: dict[str, Part] = {p.slug: p for p in PARTS}
_COVERING: dict[RecordSection, Part] = {s: p for p in PARTS for s in p.covers}
assert set(_COVERING) == set(RecordSection), "every section the packs can require has a part"

# Titles of every section the packs can require, as the refusal to authorise names them.
SECTION_TITLES: dict[RecordSection, str] = {
    s: p.title if s == p.section else p.also_titles[s] for s, p in _COVERING.items()
}


def part(key: RecordSection | str) -> Part:
    """The part for a section value or a URL slug; ``KeyError`` when there is none."""
    if isinstance(key, RecordSection):
        return _BY_SECTION[key]
    if key in _BY_SLUG:
        return _BY_SLUG[key]
    return _BY_SECTION[RecordSection(key)]


def part_of(section: RecordSection) -> Part:
    """The part that carries ``section`` (``decision_reasons`` is on the decision page)."""
    return _COVERING[section]


def parse_content(section: RecordSection, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``data`` against the part's schema and return its canonical JSON form."""
    schema = part(section).schema
    try:
        return schema.model_validate(dict(data)).model_dump(mode="json")
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(p) for p in item['loc']) or '(content)'}: {item['msg']}"
            for item in error.errors()
        ]
        raise ContentInvalid(problems) from None


def is_complete(section: RecordSection, contents: Contents) -> bool:
    """Whether ``section`` is complete, given the content of every part (by part section)."""
    owner = part_of(section)
    content = owner.model(contents.get(owner.section))
    rule = owner.complete if section == owner.section else owner.also_covers[section]
    return rule(content, contents)


def is_started(section: RecordSection, content: Mapping[str, Any] | None) -> bool:
    """Whether anything has been written in a part (its content differs from empty)."""
    if not content:
        return False
    return dict(parse_content(section, content)) != part(section).empty()


def complete_sections(contents: Contents) -> frozenset[RecordSection]:
    """Every section (of all 24) that the contents complete."""
    return frozenset(s for s in RecordSection if is_complete(s, contents))


def decision_of(contents: Contents) -> Decision | None:
    return decision.decision_of(contents)


def items(section: RecordSection, content: Mapping[str, Any] | None) -> list[Item]:
    """The part as labelled blocks of text, empty answers left out."""
    owner = part(section)
    return owner.describe(owner.model(content))


def answered(section: RecordSection, content: Mapping[str, Any] | None) -> bool:
    return bool(items(section, content))
