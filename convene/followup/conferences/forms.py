"""Forms of the conference pages: confirm with the Head of Service, set the date, record it held
and its outcome for each child."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from convene.core.forms import (
    GovukDateField,
    GovukTimeField,
    yes_no_field,
)
from convene.followup.enquiries.models import S47Enquiry
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


class IcpcOutcomeForm(VersionedForm):
    """One Yes/No per child the conference was about: did it put the child on a plan?"""

    def __init__(
        self, data: Any = None, *, enquiries: Sequence[S47Enquiry], initial: dict[str, Any]
    ) -> None:
        super().__init__(data, initial=initial)
        for enquiry in enquiries:
            name = enquiry.child.full_name
            self.fields[f"plan_{enquiry.pk}"] = yes_no_field(
                label=f"Is {name} now on a child protection plan?",
                required_message=f"Select whether {name} is on a child protection plan",
            )
            if enquiry.cp_plan is not None:
                self.initial[f"plan_{enquiry.pk}"] = "yes" if enquiry.cp_plan else "no"

    def plans(self) -> dict[int, bool]:
        return {
            int(name.removeprefix("plan_")): bool(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("plan_")
        }
