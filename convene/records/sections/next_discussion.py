"""The next discussion (R001.14): date, time, venue or virtual link, or that none is
planned. A single assessment's date to reconvene is set on the decision page (R002.13)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from pydantic import Field

from convene.core.forms import GovukDateField, GovukTimeField
from convene.policy.vocab import Decision, RecordSection
from convene.records.sections._base import (
    LINE_MAX,
    Content,
    Contents,
    Group,
    Item,
    Part,
    blocks,
    date_text,
    line_field,
)
from convene.records.sections._forms import PartForm
from convene.records.sections.decision import DecisionContent


class NextDiscussionContent(Content):
    """R001.14: next discussion date, time, venue or virtual link, or that none is planned."""

    none_planned: bool = False
    next_on: date | None = None
    at_time: str = Field(default="", max_length=20)
    venue: str = line_field()


def _decision(contents: Contents) -> DecisionContent:
    return DecisionContent.model_validate(dict(contents.get(RecordSection.DECISION) or {}))


def _complete(c: NextDiscussionContent, contents: Contents) -> bool:
    decision = _decision(contents)
    if decision.decision == Decision.SINGLE_ASSESSMENT:
        # The single assessment's reconvene date is set on the decision page (R002.13).
        return decision.reconvene_on is not None
    return c.none_planned or c.next_on is not None


def _describe(c: NextDiscussionContent) -> list[Item]:
    if c.none_planned:
        return [Item("Next discussion", "None planned")]
    when = " ".join(t for t in (date_text(c.next_on), c.at_time) if t)
    return blocks([("Next discussion", when), ("Venue or virtual link", c.venue)])


class NextDiscussionForm(PartForm):
    date_answers = ("next_on",)
    section = RecordSection.RECONVENE_DATE
    none_planned = forms.BooleanField(label="No further discussion is planned", required=False)
    next_on = GovukDateField(
        subject="the date of the next discussion", label="Date", required=False
    )
    at_time = GovukTimeField(subject="the time", label="Time", required=False)
    venue = forms.CharField(
        label="Venue or virtual meeting link", required=False, max_length=LINE_MAX
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("none_planned") and data.get("next_on"):
            self.add_error("next_on", "Leave the date blank when no further discussion is planned")
        return data

    def content(self) -> dict[str, Any]:
        content = super().content()
        content["next_on"] = self.cleaned_data.get("next_on")
        at = self.cleaned_data.get("at_time")
        content["at_time"] = at.strftime("%H:%M") if at else ""
        return content


def _page(_content: Mapping[str, Any], contents: Contents) -> dict[str, Any]:
    # The page says when a single assessment's date to reconvene is already set.
    return {"reconvene_on": _decision(contents).reconvene_on}


PART = Part(
    section=RecordSection.RECONVENE_DATE,
    title="Next discussion",
    group=Group.CLOSE,
    schema=NextDiscussionContent,
    hint="Date, time and venue of the next discussion, or that none is planned",
    complete=_complete,
    describe=_describe,
    form=NextDiscussionForm,
    internal=True,
    page_extra=_page,
)
