"""High Risk Planning Meeting consideration (R001.14, R000.2c): for a child in care, who
considers an HRPM, and by when."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms

from convene.core.forms import GovukDateField
from convene.policy.vocab import RecordSection
from convene.records.sections._base import (
    Content,
    Contents,
    FormInputs,
    Group,
    Item,
    Part,
    blocks,
    date_text,
    line_field,
    text_field,
)
from convene.records.sections._forms import OwnerChoices, PartForm, parse_owner, text
from convene.records.sections.actions import OwnerKind


class HrpmContent(Content):
    """R001.14, R000.2c: for a child in care, who considers an HRPM, and by when."""

    owner_kind: OwnerKind | None = None
    owner_id: int | None = None
    owner_name: str = line_field()
    by_on: date | None = None
    notes: str = text_field()


def _complete(c: HrpmContent, _contents: Contents) -> bool:
    return c.owner_id is not None and c.by_on is not None


def _describe(c: HrpmContent) -> list[Item]:
    return blocks(
        [("Who considers it", c.owner_name), ("By", date_text(c.by_on)), ("Notes", c.notes)]
    )


class HrpmForm(OwnerChoices, PartForm):
    date_answers = ("by_on",)
    section = RecordSection.HRPM_CONSIDERATION
    owner = forms.ChoiceField(label="Who considers whether an HRPM is needed?", required=False)
    by_on = GovukDateField(subject="the date to decide by", label="By when?", required=False)
    notes = text("Notes")

    def initial_from(self, content: Mapping[str, Any]) -> dict[str, Any]:
        initial = super().initial_from(content)
        if content.get("owner_id"):
            initial["owner"] = f"{content['owner_kind']}:{content['owner_id']}"
        return initial

    def content(self) -> dict[str, Any]:
        owner = parse_owner(self.cleaned_data.get("owner") or "")
        return {
            "owner_kind": owner[0] if owner else None,
            "owner_id": owner[1] if owner else None,
            "owner_name": "",
            "by_on": self.cleaned_data.get("by_on"),
            "notes": self.cleaned_data.get("notes", ""),
        }


def _form(data: Any, content: Mapping[str, Any], inputs: FormInputs) -> HrpmForm:
    people, agencies = inputs.owners()
    return HrpmForm(data, content=content, people=people, agencies=agencies)


PART = Part(
    section=RecordSection.HRPM_CONSIDERATION,
    title="High Risk Planning Meeting",
    group=Group.CLOSE,
    schema=HrpmContent,
    hint="For a child in care: who considers a High Risk Planning Meeting, and by when ",
    complete=_complete,
    describe=_describe,
    form_maker=_form,
    internal=True,
    conditional=True,
)
