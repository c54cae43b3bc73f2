"""The shape of a policy file, as pydantic models; the loader adds the checks across rules.

Every model forbids unknown keys, so a misspelt key is an error rather than a
rule that silently never fires. Values are checked against the shared
vocabularies (:mod:`convene.people.vocab`, :mod:`convene.policy.vocab`,
:class:`convene.workdays.Unit`). The loaded models are frozen and are what the
engine reads: there is no second, hand-copied representation to drift.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from convene.people.vocab import ConcernCategory, ExploitationRating, LegalStatus, Role
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
from convene.workdays import Unit

__all__ = [
    "AdviceRule",
    "AgencyCheckRule",
    "AttendanceRule",
    "ChairRule",
    "Conditions",
    "Document",
    "EscalationLevel",
    "EscalationRule",
    "PackFile",
    "PathwayRule",
    "PolicyFile",
    "ReasonRule",
    "RecordRule",
    "Rule",
    "Source",
    "StandardFile",
    "TimescaleRule",
]

RequirementId = Annotated[str, Field(pattern=r"^R\d{3}\.\d+$")]
PackId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]
NonNegative = Annotated[StrictInt, Field(ge=0)]
Text = Annotated[str, Field(min_length=1)]

E = TypeVar("E")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OneOf(_Strict, Generic[E]):
    """A condition on a single-valued fact: its value is (not) one of these."""

    any_of: tuple[E, ...] | None = None
    none_of: tuple[E, ...] | None = None

    @model_validator(mode="after")
    def _something(self) -> OneOf[E]:
        if not any(getattr(self, name) for name in type(self).model_fields):
            names = " or ".join(type(self).model_fields)
            raise ValueError(f"give a non-empty {names}")
        return self


class SetCondition(OneOf[E], Generic[E]):
    """A condition on a set-valued fact; ``all_of`` needs every one present."""

    all_of: tuple[E, ...] | None = None


class Range(_Strict):
    min: NonNegative | None = None
    max: NonNegative | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Conditions(_Strict):
    """``applies_when``: every condition given must hold; ``any`` needs one of its tables to.

    The names are the fields of :class:`convene.policy.facts.CaseFacts`
    (a test keeps the two in step).
    """

    significant_harm_suspected: StrictBool | None = None
    immediate_risk: StrictBool | None = None
    unborn: StrictBool | None = None
    aged_18_or_over: StrictBool | None = None
    in_hospital: StrictBool | None = None
    medical_needed: StrictBool | None = None
    forensic_evidence_needed: StrictBool | None = None
    complex_concerns: StrictBool | None = None
    ongoing_risk: StrictBool | None = None
    missing_episode: StrictBool | None = None
    allegation_against_staff: StrictBool | None = None
    review_requested: StrictBool | None = None
    new_information: StrictBool | None = None
    categories: SetCondition[ConcernCategory] | None = None
    legal_status: OneOf[LegalStatus] | None = None
    exploitation_rating: OneOf[ExploitationRating] | None = None
    pathway: OneOf[Pathway] | None = None
    decision: OneOf[Decision] | None = None
    agencies_key_to_planning: Range | None = None
    any: Annotated[tuple[Conditions, ...], Field(min_length=1)] | None = None

    def mentions(self, name: str) -> bool:
        """Whether a condition on ``name`` appears here or in a nested ``any``."""
        if getattr(self, name) is not None:
            return True
        return any(sub.mentions(name) for sub in self.any or ())

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in type(self).model_fields)


class Source(_Strict):
    requirements: Annotated[tuple[RequirementId, ...], Field(min_length=1)]
    document: Text
    paragraph: Text


class _RuleBase(_Strict):
    id: RuleId
    summary: Text
    source: Source
    effective_from: date
    effective_to: date | None = None  # last day in force, inclusive
    applies_when: Conditions = Conditions()
    # Rules of a base pack or standard this rule stands in for while it is in force.
    replaces: tuple[RuleId, ...] = ()
    # How the pack reads an ambiguous source, or why it chose a default.
    interpretation: Text | None = None

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class TimescaleRule(_RuleBase):
    kind: Literal["timescale"]
    clock: ClockKind
    start_event: StartEvent
    amount: NonNegative
    unit: Unit
    basis: Basis = Basis.STATED
    # "Wherever possible" (R002.8): the clock runs, but a breach is a warning.
    advisory: StrictBool = False


class AgencyCheckRule(_RuleBase):
    """When each invited agency's check is due, and who sees it before the meeting (R001.7):
    ``lead_hours`` before the meeting starts (0: by its start; a week at most), never before
    the discussion was arranged. With ``hold_back_until_start`` the other invitees see an
    agency's submitted check only from the meeting's start."""

    kind: Literal["agency_check"]
    hold_back_until_start: StrictBool = False
    lead_hours: Annotated[StrictInt, Field(ge=0, le=168)] = 0


class PathwayRule(_RuleBase):
    kind: Literal["pathway"]
    pathway: Pathway
    # The highest priority among matching pathway rules wins (see docs/policy.md).
    priority: NonNegative


class AttendanceRule(_RuleBase):
    kind: Literal["attendance"]
    # Any one of these roles satisfies the rule; or a party named by relation.
    roles: tuple[Role, ...] = ()
    party: Party | None = None
    requirement: Requirement


class ChairRule(_RuleBase):
    kind: Literal["chair"]
    chair_roles: Annotated[tuple[Role, ...], Field(min_length=1)]
    authorise_roles: Annotated[tuple[Role, ...], Field(min_length=1)]


class RecordRule(_RuleBase):
    kind: Literal["record"]
    decisions: Annotated[tuple[Decision, ...], Field(min_length=1)]
    sections: Annotated[tuple[RecordSection, ...], Field(min_length=1)]


class AdviceRule(_RuleBase):
    """Something else to do besides the pathway chosen: shown with the recommendation.

    E.g. a missing episode alongside significant harm: the strategy discussion
    and its timescale stand, and the trigger meeting is advised as well (R004.6).
    """

    kind: Literal["advice"]
    # The other process advised, when it is one of the pathways.
    also: Pathway | None = None


class ReasonRule(_RuleBase):
    """Before the pathway is decided, a person records a reason (R000.1, R004.7).

    ``question`` is what the triage page and the API ask; the decision is refused
    until it is answered. ``applies_when`` says when it is asked.
    """

    kind: Literal["reason"]
    question: Text


class EscalationLevel(_Strict):
    roles: tuple[Role, ...] = ()
    parties: tuple[Party, ...] = ()
    # Working days the breach has lasted before this level is told.
    after_working_days: NonNegative = 0


class EscalationRule(_RuleBase):
    kind: Literal["escalation"]
    clocks: Annotated[tuple[ClockKind, ...], Field(min_length=1)]
    levels: Annotated[tuple[EscalationLevel, ...], Field(min_length=1)]


Rule = Annotated[
    TimescaleRule
    | PathwayRule
    | AttendanceRule
    | ChairRule
    | RecordRule
    | EscalationRule
    | AdviceRule
    | ReasonRule
    | AgencyCheckRule,
    Field(discriminator="kind"),
]
RULE_KINDS: tuple[type[_RuleBase], ...] = (
    TimescaleRule,
    PathwayRule,
    AttendanceRule,
    ChairRule,
    RecordRule,
    EscalationRule,
    AdviceRule,
    ReasonRule,
    AgencyCheckRule,
)


class Document(_Strict):
    title: Text
    url: str | None = None


class _FileBase(_Strict):
    id: PackId
    title: Text
    version: Annotated[str, Field(pattern=r"^\d{4}\.\d+$")]
    documents: dict[str, Document] = {}
    rules: tuple[Rule, ...] = ()


class PackFile(_FileBase):
    """A partnership's (or the national) procedure."""

    kind: Literal["pack"]
    extends: PackId | None = None
    include: tuple[PackId, ...] = ()
    closure_days: tuple[date, ...] = ()
    conventions: Text


class StandardFile(_FileBase):
    """A reusable set of rules (e.g. the 2014 quality standards) that packs include."""

    kind: Literal["standard"]


PolicyFile = Annotated[PackFile | StandardFile, Field(discriminator="kind")]
