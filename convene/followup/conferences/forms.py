"""Forms of the conference pages: confirm with the Head of Service, set the date, record it held."""

from __future__ import annotations

from typing import Any

from django import forms

from convene.core.forms import (
    GovukDateField,
    GovukTimeField,
)
from convene.followup.fields import VersionedForm, set_when, text_field


class IcpcConfirmForm(VersionedForm):
    note = text_field("Note (optional)", rows=3)


class IcpcDateForm(VersionedForm):
    conference_on = GovukDateField(
        label="Date of the conference",
        subject="the date of the conference",
        help_text="For example, 20 3 2026",
    )
    conference_time = GovukTimeField(
        label="Start time", subject="the start time", help_text="For example, 10:00"
    )
    venue = forms.CharField(label="Venue", required=False, max_length=300)
    late_reason = text_field(
        "If after the deadline: why can it not be held sooner?",
        hint="The conference is due within 15 working days of the strategy discussion",
        rows=3,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        set_when(self, "conference_on", "conference_time", "conference_at")
        return self.cleaned_data


class HeldForm(VersionedForm):
    held_on = GovukDateField(label="Date held", subject="the date it was held")
    held_time = GovukTimeField(label="Time", subject="the time it started")

    def clean(self) -> dict[str, Any]:
        super().clean()
        set_when(self, "held_on", "held_time", "held_at")
        return self.cleaned_data
