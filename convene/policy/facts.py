"""The facts of a case that the policy rules are conditioned on, and their JSON form.

:class:`CaseFacts` is what the engine reads; the services build it from the
referral and the discussion, the CLI and the API parse it from JSON with
:func:`parse_facts_document`. The JSON format is documented in
``docs/policy.md`` ("Facts"); every key but ``received_at`` and
``significant_harm_suspected`` is optional, and an unknown key is an error so
that a misspelt fact is never silently read as "false".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
)

from convene.people.vocab import ConcernCategory, ExploitationRating, LegalStatus
from convene.policy.vocab import Decision, Pathway, StartEvent
from convene.workdays import london_date

__all__ = [
    "CaseFacts",
    "FactsDocument",
    "FactsInvalid",
    "facts_to_dict",
    "parse_facts",
    "parse_facts_document",
]


@dataclass(frozen=True, kw_only=True)
class CaseFacts:
    """What is known about a case when the policy is asked.

    ``received_at`` fixes the rule versions in force (its London date) and is
    the ``referral_received`` event. ``significant_harm_suspected`` is the
    threshold question of R001.1 / R002.1: is there reasonable cause to
    suspect the child is suffering, or likely to suffer, significant harm?
    """

    received_at: datetime
    significant_harm_suspected: bool
    categories: frozenset[ConcernCategory] = frozenset()
    immediate_risk: bool = False
    legal_status: LegalStatus = LegalStatus.NONE
    unborn: bool = False
    # Someone on the referral was 18 or older when it was received: a strategy
    # discussion is for a child under 18 (R000.1).
    aged_18_or_over: bool = False
    in_hospital: bool = False
    # A paediatric safeguarding medical may be needed (R001.4, R003.7).
    medical_needed: bool = False
    # Penetrative sexual abuse where forensic evidence must be secured (R004.1).
    forensic_evidence_needed: bool = False
    # The manager's judgement that the concerns are complex (R001.3, R004.2, R004.4).
    complex_concerns: bool = False
    # Risk that continues for a child already known, e.g. exploitation (R000.2c).
    ongoing_risk: bool = False
    exploitation_rating: ExploitationRating = ExploitationRating.NOT_SCREENED
    agencies_key_to_planning: int = 0
    # A further discussion about a child already discussed, and whether new
    # information affects the safeguarding plan (R004.5).
    review_requested: bool = False
    new_information: bool = False
    # The pathway the manager chose; None means "use the recommendation".
    pathway: Pathway | None = None
    decision: Decision | None = None

    def __post_init__(self) -> None:
        if self.received_at.tzinfo is None or self.received_at.utcoffset() is None:
            raise ValueError("received_at must be timezone-aware")
        if self.agencies_key_to_planning < 0:
            raise ValueError("agencies_key_to_planning must not be negative")
        object.__setattr__(self, "categories", frozenset(self.categories))

    @property
    def reference_date(self) -> date:
        """The London date whose rules govern the case, whatever changes later."""
        return london_date(self.received_at)

    # Derived from the categories so that there is one way to say it.
    @property
    def missing_episode(self) -> bool:
        return ConcernCategory.MISSING_EPISODE in self.categories

    @property
    def allegation_against_staff(self) -> bool:
        return ConcernCategory.ALLEGATION_AGAINST_STAFF in self.categories


class FactsInvalid(ValueError):
    """The facts JSON is not valid; ``problems`` lists every one as ``key: message``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid facts:\n" + "\n".join(f"  {p}" for p in problems))


@dataclass(frozen=True)
class FactsDocument:
    facts: CaseFacts
    events: Mapping[StartEvent, datetime]


class _FactsModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    received_at: AwareDatetime
    significant_harm_suspected: StrictBool
    categories: frozenset[ConcernCategory] = frozenset()
    immediate_risk: StrictBool = False
    legal_status: LegalStatus = LegalStatus.NONE
    unborn: StrictBool = False
    aged_18_or_over: StrictBool = False
    in_hospital: StrictBool = False
    medical_needed: StrictBool = False
    forensic_evidence_needed: StrictBool = False
    complex_concerns: StrictBool = False
    ongoing_risk: StrictBool = False
    exploitation_rating: ExploitationRating = ExploitationRating.NOT_SCREENED
    agencies_key_to_planning: Annotated[StrictInt, Field(ge=0)] = 0
    review_requested: StrictBool = False
    new_information: StrictBool = False
    pathway: Pathway | None = None
    decision: Decision | None = None


class _DocumentModel(_FactsModel):
    events: dict[StartEvent, AwareDatetime] = {}


def _problems(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(document)"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key"
        elif item["type"] == "timezone_aware":
            message = "needs a UTC offset, e.g. 2026-03-07T10:15:00+00:00"
        problems.append(f"{key}: {message}")
    return problems


def _to_facts(model: _FactsModel) -> CaseFacts:
    values = {name: getattr(model, name) for name in _FactsModel.model_fields}
    return CaseFacts(**values)


def parse_facts(data: Mapping[str, Any]) -> CaseFacts:
    """Facts from a JSON-like mapping (no ``events`` key); raises :class:`FactsInvalid`."""
    try:
        return _to_facts(_FactsModel.model_validate(dict(data)))
    except ValidationError as error:
        raise FactsInvalid(_problems(error)) from None


def parse_facts_document(text: str) -> FactsDocument:
    """A facts file: the facts plus an optional ``events`` object of start events."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FactsInvalid([f"(document): not valid JSON: {error}"]) from None
    if not isinstance(data, dict):
        raise FactsInvalid(["(document): must be a JSON object"])
    try:
        model = _DocumentModel.model_validate(data)
    except ValidationError as error:
        raise FactsInvalid(_problems(error)) from None
    return FactsDocument(facts=_to_facts(model), events=dict(model.events))


def facts_to_dict(facts: CaseFacts) -> dict[str, Any]:
    """The JSON form of ``facts``; :func:`parse_facts` reads it back unchanged."""
    out: dict[str, Any] = {}
    for name in _FactsModel.model_fields:
        value = getattr(facts, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, frozenset):
            value = sorted(str(v) for v in value)
        elif value is not None and not isinstance(value, bool | int):
            value = str(value)
        out[name] = value
    return out
