"""Assessment of risk (R001.10)."""

from __future__ import annotations

from django import forms
from pydantic import field_validator

from convene.people.vocab import Labelled, labels
from convene.policy.vocab import RecordSection
from convene.records.sections._base import (
    Content,
    Contents,
    Group,
    Item,
    Part,
    blocks,
    filled,
    flag,
    text_field,
)
from convene.records.sections._forms import PartForm, not_for_family, text


class RiskFactor(Labelled):
    PARENTAL_MENTAL_HEALTH = "parental_mental_health", "Parental mental health difficulties"
    SUBSTANCE_MISUSE = "substance_misuse", "Parental substance misuse"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    NONE_IDENTIFIED = "none_identified", "None of these identified"


RISK_FACTOR_LABELS = labels(RiskFactor)


class RiskAssessmentContent(Content):
    """R001.10: the assessment of risk."""

    cause_for_concern: str = text_field()
    seriousness: str = text_field()
    recurrence: str = text_field()
    vulnerability_resilience: str = text_field()
    strengths_protective_factors: str = text_field()
    living_context: str = text_field()
    protection_needs: str = text_field()
    carer_capacity: str = text_field()
    risk_factors: list[RiskFactor] = []
    risk_factor_notes: str = text_field()
    intervention_level: str = text_field()
    medical_need: str = text_field()
    not_for_family: bool = False

    @field_validator("risk_factors")
    @classmethod
    def _none_alone(cls, factors: list[RiskFactor]) -> list[RiskFactor]:
        if RiskFactor.NONE_IDENTIFIED in factors and len(factors) > 1:
            raise ValueError("'none identified' cannot be chosen with a risk factor")
        return list(dict.fromkeys(factors))


def _complete(c: RiskAssessmentContent, _contents: Contents) -> bool:
    return filled(
        c.cause_for_concern, c.seriousness, c.protection_needs, c.intervention_level
    ) and bool(c.risk_factors)


def _describe(c: RiskAssessmentContent) -> list[Item]:
    factors = ", ".join(RISK_FACTOR_LABELS[f] for f in c.risk_factors)
    return blocks(
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
            ("Level of intervention: immediate, interim, longer term", c.intervention_level),
            ("Need for a paediatric safeguarding medical", c.medical_need),
        ],
        not_for_family=flag(c),
    )


class RiskAssessmentForm(PartForm):
    section = RecordSection.RISK_ASSESSMENT
    cause_for_concern = text("Cause for concern")
    seriousness = text("How serious is it?")
    recurrence = text("Any recurring events")
    vulnerability_resilience = text("The child's vulnerability and resilience")
    strengths_protective_factors = text("Family strengths, protective factors and weaknesses")
    living_context = text("Risks to the child and the context they live in")
    protection_needs = text("What does the child need protecting from, from whom and how?")
    carer_capacity = text(
        "Capacity of both parents, all carers and partners, wider family and network"
    )
    risk_factors = forms.MultipleChoiceField(
        label="Risk factors",
        help_text="Select all that apply",
        choices=[(f.value, label) for f, label in RISK_FACTOR_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    risk_factor_notes = text("Risk factors: notes, including combinations")
    intervention_level = text("Level of intervention needed: immediate, interim, longer term")
    medical_need = text("Is a paediatric safeguarding medical needed?")
    not_for_family = not_for_family()

    def clean_risk_factors(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["risk_factors"]
        if RiskFactor.NONE_IDENTIFIED in chosen and len(chosen) > 1:
            raise forms.ValidationError(
                "Select 'None of these identified' only when no risk factor applies"
            )
        return chosen


PART = Part(
    section=RecordSection.RISK_ASSESSMENT,
    title="Assessment of risk",
    group=Group.INFORMATION,
    schema=RiskAssessmentContent,
    hint="Cause for concern, seriousness, recurrence, vulnerability, strengths, capacity, risk "
    "factors, level of intervention",
    complete=_complete,
    describe=_describe,
    form=RiskAssessmentForm,
)
