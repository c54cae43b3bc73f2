"""The record's forms outside its parts: an action, marking it held, confirming, correcting.

Each part's own form lives with the part (``convene.records.sections``). Forms check
the shape of what was typed; the rules live in the services.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django import forms

from convene.core.forms import GovukDateField, GovukForm, GovukTimeField, yes_no_field
from convene.records.sections import TEXT_MAX
from convene.records.sections._forms import (
    OwnerChoices,
    not_for_family,
    owner_choices,
    owner_field,
    parse_owner,
)

__all__ = [
    "ActionForm",
    "ConfirmForm",
    "CorrectionForm",
    "HoldForm",
    "ResolveForm",
    "owner_choices",
    "owner_field",
    "parse_owner",
]


class ActionForm(OwnerChoices, GovukForm):
    owner = owner_field()
    what = forms.CharField(
        label="What will they do?",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what will be done"},
    )
    due_on = GovukDateField(
        subject="the date it is due", label="By when?", help_text="For example 27 3 2026"
    )
    why = forms.CharField(
        label="Why: what is it for?",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the action is for"},
    )
    not_for_family = not_for_family()

    @staticmethod
    def initial_for(item: Mapping[str, Any]) -> dict[str, Any]:
        from datetime import date

        return {
            "owner": f"{item['owner_kind']}:{item['owner_id']}",
            "what": item["what"],
            "why": item["why"],
            "due_on": date.fromisoformat(str(item["due_on"])),
            "not_for_family": item.get("not_for_family", False),
        }

    def item(self, key: str | None) -> dict[str, Any]:
        owner = parse_owner(self.cleaned_data["owner"])
        assert owner is not None  # the choices only offer valid owners
        return {
            "key": key or uuid.uuid4().hex[:16],
            "owner_kind": owner[0],
            "owner_id": owner[1],
            "what": self.cleaned_data["what"],
            "why": self.cleaned_data["why"],
            "due_on": self.cleaned_data["due_on"].isoformat(),
            "not_for_family": self.cleaned_data["not_for_family"],
        }


class HoldForm(GovukForm):
    held_on = GovukDateField(subject="the date it was held", label="Date")
    held_at = GovukTimeField(subject="the time it started", label="Time it started")


class CorrectionForm(GovukForm):
    note = forms.CharField(
        label="What needs correcting?",
        help_text="Everyone who received the record sees this with the new version",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what needs correcting"},
    )


class ConfirmForm(GovukForm):
    accurate = yes_no_field(
        label="Is the record accurate?", required_message="Select whether the record is accurate"
    )
    comment = forms.CharField(
        label="What needs correcting?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("accurate") is False and not (data.get("comment") or "").strip():
            self.add_error("comment", "Enter what needs correcting")
        return data


class ResolveForm(GovukForm):
    note = forms.CharField(
        label="Why no change is needed",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why no change is needed"},
    )
