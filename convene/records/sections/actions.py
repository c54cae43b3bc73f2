"""Actions (R001.13, R002.11): who (a person or an agency), what, by when and why.

The part's page lists the actions; each is added, changed or removed on a page of
its own (``convene.records.forms.ActionForm``), so saving the list stays on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from django import forms
from pydantic import Field, field_validator

from convene.policy.vocab import RecordSection
from convene.records.sections._base import (
    TEXT_MAX,
    Content,
    Contents,
    Group,
    Item,
    Part,
    date_text,
    line_field,
)
from convene.records.sections._forms import PartForm


class OwnerKind(StrEnum):
    PERSON = "person"
    AGENCY = "agency"


class ActionItem(Content):
    """Who (a person or an agency), what, by when and why (R001.13, R002.11)."""

    key: str = Field(min_length=8, max_length=40, pattern=r"^[0-9a-f-]+$")
    owner_kind: OwnerKind
    owner_id: int
    owner_name: str = line_field()
    what: str = Field(min_length=1, max_length=TEXT_MAX)
    why: str = Field(min_length=1, max_length=TEXT_MAX)
    due_on: date
    not_for_family: bool = False


class ActionsContent(Content):
    actions: list[ActionItem] = []
    none_agreed: bool = False

    @field_validator("actions")
    @classmethod
    def _unique(cls, actions: list[ActionItem]) -> list[ActionItem]:
        keys = [action.key for action in actions]
        if len(keys) != len(set(keys)):
            raise ValueError("each action has its own key")
        return actions


def _describe(c: ActionsContent) -> list[Item]:
    if c.none_agreed and not c.actions:
        return [Item("Actions", "No actions were agreed")]
    return [
        Item(
            f"{action.owner_name}, by {date_text(action.due_on)}",
            f"{action.what}\n\nWhy: {action.why}",
            action.not_for_family,
        )
        for action in c.actions
    ]


class ActionsListForm(PartForm):
    """The list page saves only "No actions were agreed"; the actions have their own pages."""

    section = RecordSection.ACTIONS
    none_agreed = forms.BooleanField(label="No actions were agreed", required=False)


def _page(content: Mapping[str, Any], _contents: Contents) -> dict[str, Any]:
    return {"actions": ActionsContent.model_validate(content).actions}


PART = Part(
    section=RecordSection.ACTIONS,
    title="Actions",
    group=Group.PLAN,
    schema=ActionsContent,
    hint="Who does what, by when and why; each due date is a timescale",
    complete=lambda c, _contents: bool(c.actions) or c.none_agreed,
    describe=_describe,
    form=ActionsListForm,
    template="records/parts/actions.html",
    page_extra=_page,
    stays_after_save=True,
)
