"""The form that updates an agreed action."""

from __future__ import annotations

from django import forms

from convene.followup.fields import VersionedForm, text_field
from convene.followup.vocab import (
    ACTION_PROGRESS_LABELS,
    choices,
)


class ActionUpdateForm(VersionedForm):
    status = forms.ChoiceField(
        label="Where does the action stand?",
        choices=choices(ACTION_PROGRESS_LABELS),
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the action stands"},
    )
    note = text_field("Update", hint="What has been done, and what is next", rows=4)
