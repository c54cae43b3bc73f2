"""Decision and reasons (R002.5, R002.13, R003.9): a decision is never recorded without
its reasons (R002.11), so this part also carries ``decision_reasons``; a single
assessment sets the date to reconvene at its end."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from convene.core.forms import GovukDateField
from convene.policy.vocab import Decision, RecordSection
from convene.records.sections._base import (
    Content,
    Contents,
    Group,
    Item,
    Part,
    blocks,
    date_text,
    filled,
    flag,
    text_field,
)
from convene.records.sections._forms import PartForm, not_for_family, text

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


class DecisionContent(Content):
    decision: Decision | None = None
    reasons: str = text_field()
    # Single assessment: the date to reconvene at its end (R002.13).
    reconvene_on: date | None = None
    not_for_family: bool = False


def decision_of(contents: Contents) -> Decision | None:
    content = DecisionContent.model_validate(dict(contents.get(RecordSection.DECISION) or {}))
    return content.decision


def _describe(c: DecisionContent) -> list[Item]:
    return blocks(
        [
            ("Decision", DECISION_LABELS[c.decision] if c.decision else ""),
            ("Reasons", c.reasons),
            ("Reconvene by", date_text(c.reconvene_on)),
        ],
        not_for_family=flag(c),
    )


class DecisionForm(PartForm):
    date_answers = ("reconvene_on",)
    section = RecordSection.DECISION
    decision = forms.ChoiceField(
        label="What was decided?",
        choices=[(d.value, label) for d, label in DECISION_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision"},
    )
    reconvene_on = GovukDateField(
        subject="the date to reconvene",
        label="Date to reconvene",
        help_text="The end of the single assessment, for example 27 3 2026",
        required=False,
    )
    reasons = text(
        "Reasons for the decision",
        "The risks that informed it and why the threshold is or is not met",
        rows=6,
    )
    not_for_family = not_for_family()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        single = data.get("decision") == Decision.SINGLE_ASSESSMENT
        if single and not data.get("reconvene_on") and not self.has_error("reconvene_on"):
            self.add_error("reconvene_on", "Enter the date to reconvene")
        if data.get("decision") != Decision.SINGLE_ASSESSMENT:
            data["reconvene_on"] = None
        return data

    def content(self) -> dict[str, Any]:
        content = super().content()
        content["reconvene_on"] = self.cleaned_data.get("reconvene_on")
        return content


PART = Part(
    section=RecordSection.DECISION,
    title="Decision",
    group=Group.DECISION,
    schema=DecisionContent,
    hint="Section 47 enquiry (alone or jointly with the police), single assessment, child in "
    "need or no further action, always with reasons",
    complete=lambda c, _contents: c.decision is not None,
    also_covers={RecordSection.DECISION_REASONS: lambda c, _contents: filled(c.reasons)},
    also_titles={RecordSection.DECISION_REASONS: "Reasons for the decision"},
    describe=_describe,
    form=DecisionForm,
    template="records/parts/decision.html",
)
