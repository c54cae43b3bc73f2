"""The parts of a strategy discussion record: what each holds, when it is complete.

Pure: no Django, no database. A record is a set of **parts**, one page each on
the task list and one ``RecordSectionEntry`` each in the database. A part is
named by the :class:`~convene.policy.vocab.RecordSection` it chiefly carries;
the decision part also carries ``decision_reasons`` (the decision is never
recorded without its reasons, R002.11), so every ``RecordSection`` the packs
can require maps to exactly one part (:func:`part_of`).

Each part's content is JSON validated by a pydantic model (``extra="forbid"``),
so what the database, the frozen versions, the PDF and the API hold always has
one shape. ``items()`` turns content into labelled blocks of text, each with
its "not to be shared with the family" flag (R003.5, R001.13): the check page,
the PDF and :mod:`convene.records.family` all read the record through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from convene.core.dates import govuk_date
from convene.policy.vocab import Decision, RecordSection

__all__ = [
    "DECISION_LABELS",
    "PARTS",
    "SECTION_TITLES",
    "ContentInvalid",
    "Group",
    "Item",
    "Part",
    "complete_sections",
    "parse_content",
    "part",
    "part_of",
]

TEXT_MAX = 20_000
LINE_MAX = 300


class ContentInvalid(ValueError):
    """Content that does not fit its schema; ``problems`` lists each as ``field: message``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


DECISION_LABELS: dict[Decision, str] = {
    Decision.S47_SINGLE_AGENCY: "Section 47 enquiry by children's social care",
    Decision.S47_JOINT: "Section 47 enquiry jointly with the police",
    Decision.SINGLE_ASSESSMENT: "Single assessment, then reconvene",
    Decision.CHILD_IN_NEED: "Child in need support (section 17)",
    Decision.NO_FURTHER_ACTION: "No further action",
}

DECISION_HINTS: dict[Decision, str] = {
    Decision.S47_SINGLE_AGENCY: "Reasonable cause to suspect significant harm; no criminal "
    "investigation",
    Decision.S47_JOINT: "Reasonable cause to suspect significant harm and a possible offence: "
    "children's social care and the police together",
    Decision.SINGLE_ASSESSMENT: "More assessment is needed before the threshold can be judged; "
    "set the date to reconvene at its end",
    Decision.CHILD_IN_NEED: "The family would benefit from support under section 17",
    Decision.NO_FURTHER_ACTION: "The threshold for a section 47 enquiry is not met and no "
    "support is needed from children's social care",
}

# Titles of every section the packs can require, as the refusal to authorise names them.
SECTION_TITLES: dict[RecordSection, str] = {
    RecordSection.ATTENDANCE: "Attendance",
    RecordSection.INTRODUCTION: "Introduction: reason and background",
    RecordSection.INFORMATION_SHARED: "Information shared by each agency",
    RecordSection.RISK_ASSESSMENT: "Assessment of risk",
    RecordSection.ANALYSIS: "Analysis",
    RecordSection.PROFESSIONAL_VIEWS: "Each professional's view on significant harm",
    RecordSection.DECISION: "Decision",
    RecordSection.DECISION_REASONS: "Reasons for the decision",
    RecordSection.S47_PLAN: "Section 47 plan and areas of risk",
    RecordSection.CRIMINAL_INVESTIGATION: "Criminal investigation",
    RecordSection.ABE_INTERVIEW: "Achieving Best Evidence interview",
    RecordSection.MEDICAL_ASSESSMENT: "Medical assessment",
    RecordSection.IMMEDIATE_PROTECTION: "Immediate protection and interim services",
    RecordSection.SAFE_DISCHARGE: "Safe discharge from hospital",
    RecordSection.CHILD_SEEN_ALONE: "Seeing the child alone, wishes and feelings",
    RecordSection.DIVERSITY_INTERPRETER: "Diversity, culture and interpreter",
    RecordSection.OTHER_CHILDREN: "Other children affected",
    RecordSection.FAMILY_COMMUNICATION: "What is shared with the family",
    RecordSection.LADO_LEGAL: "LADO referral or legal action",
    RecordSection.ACTIONS: "Actions",
    RecordSection.RECONVENE_DATE: "Next discussion",
    RecordSection.RECORD_DISTRIBUTION: "Distributing the record",
    RecordSection.ICPC_ARRANGEMENTS: "Initial child protection conference",
    RecordSection.HRPM_CONSIDERATION: "High Risk Planning Meeting",
}


class Group(StrEnum):
    """The agenda of seed 001, as the task list groups the parts."""

    INTRODUCTION = "Introduction"
    INFORMATION = "Information sharing and risk"
    DECISION = "Decision"
    PLAN = "Plan"
    CLOSE = "Close"


@dataclass(frozen=True)
class Item:
    """One labelled block of the record as people read it."""

    label: str
    text: str
    not_for_family: bool = False


# --- Schemas ------------------------------------------------------------------------


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _text(*, default: str = "") -> Any:
    return Field(default=default, max_length=TEXT_MAX)


def _line(*, default: str = "") -> Any:
    return Field(default=default, max_length=LINE_MAX)


class AttendanceStatus(StrEnum):
    ATTENDED = "attended"
    APOLOGIES = "apologies"
    ABSENT = "absent"


ATTENDANCE_LABELS: dict[AttendanceStatus, str] = {
    AttendanceStatus.ATTENDED: "Attended",
    AttendanceStatus.APOLOGIES: "Sent apologies",
    AttendanceStatus.ABSENT: "Did not attend",
}


class DiscussionFormat(StrEnum):
    """How it was held (R002.3: unless the risk is immediate, a meeting is preferred)."""

    MEETING = "meeting"
    VIRTUAL = "virtual"
    PHONE = "phone"


FORMAT_LABELS: dict[DiscussionFormat, str] = {
    DiscussionFormat.MEETING: "A meeting in person",
    DiscussionFormat.VIRTUAL: "A virtual meeting (video call)",
    DiscussionFormat.PHONE: "By phone",
}


class AttendanceRow(_Content):
    professional_id: int
    name: str = _line()
    agency: str = _line()
    role: str = _line()
    status: AttendanceStatus | None = None


class AttendanceContent(_Content):
    rows: list[AttendanceRow] = []
    # R001.7: each attendee brought their agency's information and can decide for it.
    agency_information_confirmed: bool = False
    notes: str = _text()
    # R002.3: a meeting or by phone; by phone, why (unless the risk was immediate).
    format: DiscussionFormat | None = None
    phone_reason: str = _text()

    @field_validator("rows")
    @classmethod
    def _unique(cls, rows: list[AttendanceRow]) -> list[AttendanceRow]:
        ids = [row.professional_id for row in rows]
        if len(ids) != len(set(ids)):
            raise ValueError("each person appears once")
        return rows


class IntroductionContent(_Content):
    reason: str = _text()
    child_background: str = _text()
    parents_carers: str = _text()
    relevant_others: str = _text()
    not_for_family: bool = False


class Contribution(_Content):
    agency: str = _line()
    shared_by: str = _line()
    information: str = _text()
    # A review discussion (R001.12): progress on the agreed actions, updated risk.
    action_progress: str = _text()
    updated_risk: str = _text()
    not_for_family: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.information or self.action_progress or self.updated_risk)


class InformationSharedContent(_Content):
    contributions: list[Contribution] = []
    # R003.2: information shared without consent, and why that was reasonable,
    # proportionate and relevant.
    shared_without_consent: bool | None = None
    without_consent_what: str = _text()
    without_consent_why: str = _text()


class RiskFactor(StrEnum):
    PARENTAL_MENTAL_HEALTH = "parental_mental_health"
    SUBSTANCE_MISUSE = "substance_misuse"
    DOMESTIC_ABUSE = "domestic_abuse"
    NONE_IDENTIFIED = "none_identified"


RISK_FACTOR_LABELS: dict[RiskFactor, str] = {
    RiskFactor.PARENTAL_MENTAL_HEALTH: "Parental mental health difficulties",
    RiskFactor.SUBSTANCE_MISUSE: "Parental substance misuse",
    RiskFactor.DOMESTIC_ABUSE: "Domestic abuse",
    RiskFactor.NONE_IDENTIFIED: "None of these identified",
}


class RiskAssessmentContent(_Content):
    """R001.10: the assessment of risk."""

    cause_for_concern: str = _text()
    seriousness: str = _text()
    recurrence: str = _text()
    vulnerability_resilience: str = _text()
    strengths_protective_factors: str = _text()
    living_context: str = _text()
    protection_needs: str = _text()
    carer_capacity: str = _text()
    risk_factors: list[RiskFactor] = []
    risk_factor_notes: str = _text()
    intervention_level: str = _text()
    medical_need: str = _text()
    not_for_family: bool = False

    @field_validator("risk_factors")
    @classmethod
    def _none_alone(cls, factors: list[RiskFactor]) -> list[RiskFactor]:
        if RiskFactor.NONE_IDENTIFIED in factors and len(factors) > 1:
            raise ValueError("'none identified' cannot be chosen with a risk factor")
        return list(dict.fromkeys(factors))


class AnalysisContent(_Content):
    """R003.3: the analysis questions."""

    harm_attributable: str = _text()
    likely_to_continue: str = _text()
    protective_factors: str = _text()
    other_interventions: str = _text()
    views_child: str = _text()
    views_parents: str = _text()
    views_agencies: str = _text()
    history: str = _text()
    not_for_family: bool = False


class View(StrEnum):
    """The key question put to every professional (R003.6)."""

    HAS_SUFFERED = "has_suffered"
    LIKELY_TO_SUFFER = "likely_to_suffer"
    NOT_SIGNIFICANT_HARM = "not_significant_harm"
    UNABLE_TO_SAY = "unable_to_say"


# The key question's words (seed 003): "Given what we know do we consider that the child
# has suffered or is likely to suffer significant and ongoing harm?"
VIEW_LABELS: dict[View, str] = {
    View.HAS_SUFFERED: "Has suffered significant and ongoing harm",
    View.LIKELY_TO_SUFFER: "Is likely to suffer significant and ongoing harm",
    View.NOT_SIGNIFICANT_HARM: "Has not suffered and is not likely to suffer significant and "
    "ongoing harm",
    View.UNABLE_TO_SAY: "Cannot say on the information available",
}


class S47By(StrEnum):
    """R003.6: whether a section 47 enquiry needs to be started, and by whom."""

    CHILDRENS_SERVICES = "childrens_services"
    POLICE = "police"
    BOTH = "both"
    NOT_NEEDED = "not_needed"


S47_BY_LABELS: dict[S47By, str] = {
    S47By.CHILDRENS_SERVICES: "Yes, by Children's Services",
    S47By.POLICE: "Yes, by the Police",
    S47By.BOTH: "Yes, by both working together",
    S47By.NOT_NEEDED: "No section 47 enquiry is needed",
}


class ProfessionalView(_Content):
    professional_id: int
    name: str = _line()
    agency: str = _line()
    view: View | None = None
    # "Without doing something, is this child at risk of harm?" (seed 003, R003.6)
    at_risk_without_action: bool | None = None
    s47_by: S47By | None = None
    comment: str = _text()
    # Why no view was given (left early, could not say for their agency): R003.6.
    no_view_reason: str = _text()
    not_for_family: bool = False

    @property
    def answered(self) -> bool:
        return self.view is not None or bool(self.no_view_reason.strip())


class ProfessionalViewsContent(_Content):
    views: list[ProfessionalView] = []


class DecisionContent(_Content):
    decision: Decision | None = None
    reasons: str = _text()
    # Single assessment: the date to reconvene at its end (R002.13).
    reconvene_on: date | None = None
    not_for_family: bool = False


class TextContent(_Content):
    text: str = _text()
    not_for_family: bool = False


class S47PlanContent(_Content):
    areas_of_risk: str = _text()
    how_conducted: str = _text()
    not_for_family: bool = False


class ImmediateProtectionContent(_Content):
    immediate_action: str = _text()
    interim_services: str = _text()
    not_for_family: bool = False


class ChildSeenAloneContent(_Content):
    when_seen_alone: str = _text()
    wishes_and_feelings: str = _text()
    not_for_family: bool = False


class DiversityContent(_Content):
    considerations: str = _text()
    interpreter_needed: bool | None = None
    interpreter_language: str = _line()
    not_for_family: bool = False


class Sharing(StrEnum):
    ALL = "all"
    PARTIAL = "partial"
    NONE = "none"


SHARING_LABELS: dict[Sharing, str] = {
    Sharing.ALL: "Share what professionals shared, except items marked not to be shared",
    Sharing.PARTIAL: "Share only some of it: items marked not to be shared are withheld",
    Sharing.NONE: "Share nothing for now: it would put the child at greater risk or harm a "
    "police investigation",
}


class FamilyCommunicationContent(_Content):
    """R001.13, R002.5, R003.5: what the family is told, by whom and when, or why not."""

    sharing: Sharing | None = None
    who_and_when: str = _text()
    reason_withheld: str = _text()


class LadoLegalContent(_Content):
    lado_referral: bool | None = None
    lado_notes: str = _text()
    legal_action: str = _text()
    not_for_family: bool = False


class OwnerKind(StrEnum):
    PERSON = "person"
    AGENCY = "agency"


class ActionItem(_Content):
    """Who (a person or an agency), what, by when and why (R001.13, R002.11)."""

    key: str = Field(min_length=8, max_length=40, pattern=r"^[0-9a-f-]+$")
    owner_kind: OwnerKind
    owner_id: int
    owner_name: str = _line()
    what: str = Field(min_length=1, max_length=TEXT_MAX)
    why: str = Field(min_length=1, max_length=TEXT_MAX)
    due_on: date
    not_for_family: bool = False


class ActionsContent(_Content):
    actions: list[ActionItem] = []
    none_agreed: bool = False

    @field_validator("actions")
    @classmethod
    def _unique(cls, actions: list[ActionItem]) -> list[ActionItem]:
        keys = [action.key for action in actions]
        if len(keys) != len(set(keys)):
            raise ValueError("each action has its own key")
        return actions


class NextDiscussionContent(_Content):
    """R001.14: next discussion date, time, venue or virtual link, or that none is planned."""

    none_planned: bool = False
    next_on: date | None = None
    at_time: str = Field(default="", max_length=20)
    venue: str = _line()


class RecordDistributionContent(_Content):
    timescale: str = _text()


class IcpcContent(_Content):
    """R001.14: an ICPC is confirmed by the chair with the Head of Service."""

    head_of_service: str = _line()
    confirmed: bool | None = None
    notes: str = _text()


class HrpmContent(_Content):
    """R001.14, R000.2c: for a child in care, who considers an HRPM, and by when."""

    owner_kind: OwnerKind | None = None
    owner_id: int | None = None
    owner_name: str = _line()
    by_on: date | None = None
    notes: str = _text()


# --- Parts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    section: RecordSection
    title: str
    group: Group
    schema: type[_Content]
    hint: str
    # The RecordSection values this part carries (its own first).
    covers: tuple[RecordSection, ...]
    # Internal to professionals whatever the flags say: never in a family summary.
    internal: bool = False
    # Shown on the task list only when required, filled in, or relevant to the facts.
    conditional: bool = False

    @property
    def slug(self) -> str:
        return self.section.value.replace("_", "-")

    def empty(self) -> dict[str, Any]:
        return self.schema().model_dump(mode="json")


def _part(
    section: RecordSection,
    group: Group,
    schema: type[_Content],
    hint: str,
    *,
    covers: tuple[RecordSection, ...] = (),
    internal: bool = False,
    conditional: bool = False,
    title: str | None = None,
) -> Part:
    return Part(
        section=section,
        title=title or SECTION_TITLES[section],
        group=group,
        schema=schema,
        hint=hint,
        covers=(section, *covers),
        internal=internal,
        conditional=conditional,
    )


PARTS: tuple[Part, ...] = (
    _part(
        RecordSection.ATTENDANCE,
        Group.INTRODUCTION,
        AttendanceContent,
        "Who attended, sent apologies or did not attend, for each agency",
        internal=True,
    ),
    _part(
        RecordSection.INTRODUCTION,
        Group.INTRODUCTION,
        IntroductionContent,
        "Reason for convening; background on the child or children, parents, carers and "
        "relevant others",
    ),
    _part(
        RecordSection.INFORMATION_SHARED,
        Group.INFORMATION,
        InformationSharedContent,
        "Each agency's information on the child's needs, risks and circumstances; for a review, "
        "progress on the agreed actions and an updated assessment of risk",
    ),
    _part(
        RecordSection.RISK_ASSESSMENT,
        Group.INFORMATION,
        RiskAssessmentContent,
        "Cause for concern, seriousness, recurrence, vulnerability, strengths, capacity, risk "
        "factors, level of intervention",
    ),
    _part(
        RecordSection.ANALYSIS,
        Group.INFORMATION,
        AnalysisContent,
        "Harm attributable to carers, likelihood of continuing, protective factors, other "
        "interventions, views, history",
    ),
    _part(
        RecordSection.PROFESSIONAL_VIEWS,
        Group.INFORMATION,
        ProfessionalViewsContent,
        "Has the child suffered, or are they likely to suffer, significant harm? Each "
        "professional's answer",
    ),
    _part(
        RecordSection.DECISION,
        Group.DECISION,
        DecisionContent,
        "Section 47 enquiry (alone or jointly with the police), single assessment, child in "
        "need or no further action, always with reasons",
        covers=(RecordSection.DECISION_REASONS,),
    ),
    _part(
        RecordSection.S47_PLAN,
        Group.PLAN,
        S47PlanContent,
        "How the section 47 enquiry is carried out and the areas of risk it assesses",
        conditional=True,
    ),
    _part(
        RecordSection.CRIMINAL_INVESTIGATION,
        Group.PLAN,
        TextContent,
        "The conduct and timing of any criminal investigation",
        internal=True,
    ),
    _part(
        RecordSection.ABE_INTERVIEW,
        Group.PLAN,
        TextContent,
        "Whether and when an Achieving Best Evidence interview takes place",
        internal=True,
        conditional=True,
    ),
    _part(
        RecordSection.MEDICAL_ASSESSMENT,
        Group.PLAN,
        TextContent,
        "Any paediatric safeguarding medical: who, where, when",
    ),
    _part(
        RecordSection.IMMEDIATE_PROTECTION,
        Group.PLAN,
        ImmediateProtectionContent,
        "What is done now to keep the child safe, and interim services",
    ),
    _part(
        RecordSection.SAFE_DISCHARGE,
        Group.PLAN,
        TextContent,
        "For a child in hospital: how their safe discharge is secured",
        conditional=True,
    ),
    _part(
        RecordSection.CHILD_SEEN_ALONE,
        Group.PLAN,
        ChildSeenAloneContent,
        "When the child is seen alone and how their wishes and feelings are gathered",
    ),
    _part(
        RecordSection.DIVERSITY_INTERPRETER,
        Group.PLAN,
        DiversityContent,
        "Race, ethnicity, beliefs and culture; whether an interpreter is needed",
    ),
    _part(
        RecordSection.OTHER_CHILDREN,
        Group.PLAN,
        TextContent,
        "Siblings, children in the household, children in contact with the alleged abuser ",
    ),
    _part(
        RecordSection.FAMILY_COMMUNICATION,
        Group.PLAN,
        FamilyCommunicationContent,
        "What is shared with the family, by whom and when, or why not",
        internal=True,
    ),
    _part(
        RecordSection.LADO_LEGAL,
        Group.PLAN,
        LadoLegalContent,
        "Whether a LADO referral or legal action by any agency is needed",
        internal=True,
    ),
    _part(
        RecordSection.ACTIONS,
        Group.PLAN,
        ActionsContent,
        "Who does what, by when and why; each due date is a timescale",
    ),
    _part(
        RecordSection.RECONVENE_DATE,
        Group.CLOSE,
        NextDiscussionContent,
        "Date, time and venue of the next discussion, or that none is planned",
        internal=True,
    ),
    _part(
        RecordSection.RECORD_DISTRIBUTION,
        Group.CLOSE,
        RecordDistributionContent,
        "The timescale for distributing the authorised record",
        internal=True,
    ),
    _part(
        RecordSection.ICPC_ARRANGEMENTS,
        Group.CLOSE,
        IcpcContent,
        "Where an initial child protection conference is agreed, confirmed with the Head of "
        "Service",
        internal=True,
        conditional=True,
    ),
    _part(
        RecordSection.HRPM_CONSIDERATION,
        Group.CLOSE,
        HrpmContent,
        "For a child in care: who considers a High Risk Planning Meeting, and by when ",
        internal=True,
        conditional=True,
    ),
)

_BY_SECTION: dict[RecordSection, Part] = {p.section: p for p in PARTS}
_BY_SLUG: dict[str, Part] = {p.slug: p for p in PARTS}
_COVERING: dict[RecordSection, Part] = {s: p for p in PARTS for s in p.covers}
assert set(_COVERING) == set(RecordSection), "every section the packs can require has a part"


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


def _model(section: RecordSection, content: Mapping[str, Any] | None) -> Any:
    schema = part(section).schema
    return schema.model_validate(dict(content or {}))


# --- Completeness ----------------------------------------------------------------------


def _filled(*values: str) -> bool:
    return all(bool(v.strip()) for v in values)


def _attendance_complete(c: AttendanceContent) -> bool:
    return (
        bool(c.rows)
        and all(row.status is not None for row in c.rows)
        and any(row.status == AttendanceStatus.ATTENDED for row in c.rows)
        and c.agency_information_confirmed
        and c.format is not None
    )


def _information_complete(c: InformationSharedContent) -> bool:
    return (
        any(not contribution.is_empty for contribution in c.contributions)
        and c.shared_without_consent is not None
        and (not c.shared_without_consent or _filled(c.without_consent_what, c.without_consent_why))
    )


def _views_complete(c: ProfessionalViewsContent) -> bool:
    # Each attendee's answer (or why none was given) is checked against the attendance
    # in ``is_complete``.
    return bool(c.views) and all(view.answered for view in c.views)


def _family_complete(c: FamilyCommunicationContent) -> bool:
    if c.sharing is None:
        return False
    if c.sharing == Sharing.ALL:
        return _filled(c.who_and_when)
    return _filled(c.reason_withheld)


def _lado_complete(c: LadoLegalContent) -> bool:
    return c.lado_referral is not None and (not c.lado_referral or _filled(c.lado_notes))


def _diversity_complete(c: DiversityContent) -> bool:
    return (
        _filled(c.considerations)
        and c.interpreter_needed is not None
        and (not c.interpreter_needed or _filled(c.interpreter_language))
    )


_COMPLETE: dict[RecordSection, Callable[[Any], bool]] = {
    RecordSection.ATTENDANCE: _attendance_complete,
    RecordSection.INTRODUCTION: lambda c: _filled(c.reason, c.child_background),
    RecordSection.INFORMATION_SHARED: _information_complete,
    RecordSection.RISK_ASSESSMENT: lambda c: (
        _filled(c.cause_for_concern, c.seriousness, c.protection_needs, c.intervention_level)
        and bool(c.risk_factors)
    ),
    RecordSection.ANALYSIS: lambda c: _filled(
        c.harm_attributable, c.likely_to_continue, c.protective_factors, c.views_child, c.history
    ),
    RecordSection.PROFESSIONAL_VIEWS: _views_complete,
    RecordSection.DECISION: lambda c: c.decision is not None,
    RecordSection.DECISION_REASONS: lambda c: _filled(c.reasons),
    RecordSection.S47_PLAN: lambda c: _filled(c.areas_of_risk, c.how_conducted),
    RecordSection.IMMEDIATE_PROTECTION: lambda c: _filled(c.immediate_action),
    RecordSection.CHILD_SEEN_ALONE: lambda c: _filled(c.when_seen_alone, c.wishes_and_feelings),
    RecordSection.DIVERSITY_INTERPRETER: _diversity_complete,
    RecordSection.FAMILY_COMMUNICATION: _family_complete,
    RecordSection.LADO_LEGAL: _lado_complete,
    RecordSection.ACTIONS: lambda c: bool(c.actions) or c.none_agreed,
    RecordSection.RECORD_DISTRIBUTION: lambda c: _filled(c.timescale),
    RecordSection.ICPC_ARRANGEMENTS: lambda c: (
        _filled(c.head_of_service) and c.confirmed is not None
    ),
    RecordSection.HRPM_CONSIDERATION: lambda c: c.owner_id is not None and c.by_on is not None,
}
# The text-only parts: complete when their text is written.
for _section in (
    RecordSection.CRIMINAL_INVESTIGATION,
    RecordSection.ABE_INTERVIEW,
    RecordSection.MEDICAL_ASSESSMENT,
    RecordSection.SAFE_DISCHARGE,
    RecordSection.OTHER_CHILDREN,
):
    _COMPLETE[_section] = lambda c: _filled(c.text)


def _next_discussion_complete(c: NextDiscussionContent, decision: DecisionContent | None) -> bool:
    if decision is not None and decision.decision == Decision.SINGLE_ASSESSMENT:
        # The single assessment's reconvene date is set on the decision page (R002.13).
        return decision.reconvene_on is not None
    return c.none_planned or c.next_on is not None


def is_complete(
    section: RecordSection, contents: Mapping[RecordSection, Mapping[str, Any]]
) -> bool:
    """Whether ``section`` is complete, given the content of every part (by part section)."""
    owner = part_of(section)
    content = _model(owner.section, contents.get(owner.section))
    if section == RecordSection.RECONVENE_DATE:
        decision = _model(RecordSection.DECISION, contents.get(RecordSection.DECISION))
        return _next_discussion_complete(content, decision)
    if section == RecordSection.PROFESSIONAL_VIEWS:
        return _COMPLETE[section](content) and not views_missing(contents)
    return _COMPLETE[section](content)


def views_missing(contents: Mapping[RecordSection, Mapping[str, Any]]) -> list[str]:
    """Everyone recorded as attended with neither a view nor why none was given (R003.6)."""
    attendance = _model(RecordSection.ATTENDANCE, contents.get(RecordSection.ATTENDANCE))
    views = _model(RecordSection.PROFESSIONAL_VIEWS, contents.get(RecordSection.PROFESSIONAL_VIEWS))
    answered = {v.professional_id for v in views.views if v.answered}
    return [
        row.name or f"Attendee {row.professional_id}"
        for row in attendance.rows
        if row.status == AttendanceStatus.ATTENDED and row.professional_id not in answered
    ]


def is_started(section: RecordSection, content: Mapping[str, Any] | None) -> bool:
    """Whether anything has been written in a part (its content differs from empty)."""
    if not content:
        return False
    return dict(parse_content(section, content)) != part(section).empty()


def complete_sections(
    contents: Mapping[RecordSection, Mapping[str, Any]],
) -> frozenset[RecordSection]:
    """Every section (of all 24) that the contents complete."""
    return frozenset(s for s in RecordSection if is_complete(s, contents))


def decision_of(contents: Mapping[RecordSection, Mapping[str, Any]]) -> Decision | None:
    content = _model(RecordSection.DECISION, contents.get(RecordSection.DECISION))
    return content.decision  # type: ignore[no-any-return]


# --- Reading the record as text ----------------------------------------------------------


def _date(value: date | None) -> str:
    return govuk_date(value)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _blocks(pairs: list[tuple[str, str]], *, not_for_family: bool = False) -> list[Item]:
    return [Item(label, text, not_for_family) for label, text in pairs if text]


def _without_consent(c: InformationSharedContent) -> list[Item]:
    """R003.2, kept from the family: what was shared without consent, and why."""
    if c.shared_without_consent is None:
        return []
    if not c.shared_without_consent:
        return [Item("Information shared without consent", "None", True)]
    return _blocks(
        [
            ("Information shared without consent", c.without_consent_what),
            ("Why it was reasonable, proportionate and relevant", c.without_consent_why),
        ],
        not_for_family=True,
    )


def _view_text(view: ProfessionalView) -> str:
    risk = {True: "Yes", False: "No", None: ""}[view.at_risk_without_action]
    return "\n\n".join(
        t
        for t in (
            VIEW_LABELS[view.view] if view.view else "",
            f"Without doing something, is this child at risk of harm? {risk}" if risk else "",
            f"Section 47 enquiry: {S47_BY_LABELS[view.s47_by]}" if view.s47_by else "",
            view.comment,
            f"No view given: {view.no_view_reason}" if view.no_view_reason else "",
        )
        if t
    )


def items(section: RecordSection, content: Mapping[str, Any] | None) -> list[Item]:
    """The part as labelled blocks of text, empty answers left out."""
    c = _model(section, content)
    flag = bool(getattr(c, "not_for_family", False))
    match section:
        case RecordSection.ATTENDANCE:
            rows = [
                Item(
                    f"{row.name}, {row.role}, {row.agency}".strip(", "),
                    ATTENDANCE_LABELS[row.status] if row.status else "Not recorded",
                )
                for row in c.rows
            ]
            confirmed = (
                "Each attendee brought their agency's information and could make decisions "
                "for their agency"
                if c.agency_information_confirmed
                else ""
            )
            return (
                rows
                + _blocks([("Agency information and authority", confirmed)])
                + _blocks(
                    [
                        ("How it was held", FORMAT_LABELS[c.format] if c.format else ""),
                        ("Why by phone", c.phone_reason),
                    ]
                )
                + _blocks([("Notes", c.notes)])
            )
        case RecordSection.INTRODUCTION:
            return _blocks(
                [
                    ("Reason for convening", c.reason),
                    ("Background: the child or children", c.child_background),
                    ("Parents and carers", c.parents_carers),
                    ("Relevant others", c.relevant_others),
                ],
                not_for_family=flag,
            )
        case RecordSection.INFORMATION_SHARED:
            found: list[Item] = []
            for contribution in c.contributions:
                who = contribution.agency + (
                    f" ({contribution.shared_by})" if contribution.shared_by else ""
                )
                text = "\n\n".join(
                    part_text
                    for part_text in (
                        contribution.information,
                        f"Progress on agreed actions: {contribution.action_progress}"
                        if contribution.action_progress
                        else "",
                        f"Updated assessment of risk: {contribution.updated_risk}"
                        if contribution.updated_risk
                        else "",
                    )
                    if part_text
                )
                if text:
                    found.append(Item(who or "Agency not named", text, contribution.not_for_family))
            return found + _without_consent(c)
        case RecordSection.RISK_ASSESSMENT:
            factors = ", ".join(RISK_FACTOR_LABELS[f] for f in c.risk_factors)
            return _blocks(
                [
                    ("Cause for concern", c.cause_for_concern),
                    ("Seriousness", c.seriousness),
                    ("Recurring events", c.recurrence),
                    ("The child's vulnerability and resilience", c.vulnerability_resilience),
                    ("Family strengths and protective factors", c.strengths_protective_factors),
                    ("Risks and the context the child lives in", c.living_context),
                    ("Protection needed: from whom and how", c.protection_needs),
                    ("Capacity of parents, all carers and the wider network", c.carer_capacity),
                    ("Risk factors", factors),
                    ("Risk factors: notes", c.risk_factor_notes),
                    (
                        "Level of intervention: immediate, interim, longer term",
                        c.intervention_level,
                    ),
                    ("Need for a paediatric safeguarding medical", c.medical_need),
                ],
                not_for_family=flag,
            )
        case RecordSection.ANALYSIS:
            return _blocks(
                [
                    ("Is the harm attributable to parents or carers?", c.harm_attributable),
                    ("Evidence the harm is likely to continue", c.likely_to_continue),
                    ("Protective factors", c.protective_factors),
                    ("Other interventions that could be effective", c.other_interventions),
                    ("Views of the child", c.views_child),
                    ("Views of parents and carers", c.views_parents),
                    ("Views of partner agencies", c.views_agencies),
                    ("History and family context", c.history),
                ],
                not_for_family=flag,
            )
        case RecordSection.PROFESSIONAL_VIEWS:
            return [
                Item(f"{view.name}, {view.agency}".strip(", "), text, view.not_for_family)
                for view in c.views
                if (text := _view_text(view))
            ]
        case RecordSection.DECISION:
            return _blocks(
                [
                    ("Decision", DECISION_LABELS[c.decision] if c.decision else ""),
                    ("Reasons", c.reasons),
                    ("Reconvene by", _date(c.reconvene_on)),
                ],
                not_for_family=flag,
            )
        case RecordSection.S47_PLAN:
            return _blocks(
                [
                    ("Areas of risk the enquiry will assess", c.areas_of_risk),
                    ("How the enquiry is carried out", c.how_conducted),
                ],
                not_for_family=flag,
            )
        case RecordSection.IMMEDIATE_PROTECTION:
            return _blocks(
                [
                    ("Immediate action to keep the child safe", c.immediate_action),
                    ("Interim services and support", c.interim_services),
                ],
                not_for_family=flag,
            )
        case RecordSection.CHILD_SEEN_ALONE:
            return _blocks(
                [
                    ("When the child is seen alone", c.when_seen_alone),
                    ("How their wishes and feelings are gathered", c.wishes_and_feelings),
                ],
                not_for_family=flag,
            )
        case RecordSection.DIVERSITY_INTERPRETER:
            interpreter = _yes_no(c.interpreter_needed)
            if c.interpreter_needed and c.interpreter_language:
                interpreter += f": {c.interpreter_language}"
            return _blocks(
                [("Considerations", c.considerations), ("Interpreter needed", interpreter)],
                not_for_family=flag,
            )
        case RecordSection.FAMILY_COMMUNICATION:
            return _blocks(
                [
                    ("What is shared", SHARING_LABELS[c.sharing] if c.sharing else ""),
                    ("Who tells the family, and when", c.who_and_when),
                    ("Why information is withheld", c.reason_withheld),
                ]
            )
        case RecordSection.LADO_LEGAL:
            return _blocks(
                [
                    ("LADO referral", _yes_no(c.lado_referral)),
                    ("LADO: notes", c.lado_notes),
                    ("Legal action", c.legal_action),
                ],
                not_for_family=flag,
            )
        case RecordSection.ACTIONS:
            if c.none_agreed and not c.actions:
                return [Item("Actions", "No actions were agreed")]
            return [
                Item(
                    f"{action.owner_name}, by {_date(action.due_on)}",
                    f"{action.what}\n\nWhy: {action.why}",
                    action.not_for_family,
                )
                for action in c.actions
            ]
        case RecordSection.RECONVENE_DATE:
            if c.none_planned:
                return [Item("Next discussion", "None planned")]
            when = " ".join(t for t in (_date(c.next_on), c.at_time) if t)
            return _blocks([("Next discussion", when), ("Venue or virtual link", c.venue)])
        case RecordSection.RECORD_DISTRIBUTION:
            return _blocks([("Timescale for distributing the record", c.timescale)])
        case RecordSection.ICPC_ARRANGEMENTS:
            return _blocks(
                [
                    ("Head of Service", c.head_of_service),
                    ("Confirmed with the Head of Service", _yes_no(c.confirmed)),
                    ("Notes", c.notes),
                ]
            )
        case RecordSection.HRPM_CONSIDERATION:
            return _blocks(
                [("Who considers it", c.owner_name), ("By", _date(c.by_on)), ("Notes", c.notes)]
            )
        case _:
            return _blocks([("", c.text)], not_for_family=flag)


def answered(section: RecordSection, content: Mapping[str, Any] | None) -> bool:
    return bool(items(section, content))
