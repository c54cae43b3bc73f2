"""Forms for escalations: they parse and check input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from convene.core.forms import GovukForm
from convene.people.models import Agency, Partnership


class RaiseEscalationForm(GovukForm):
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Select the partnership",
            "invalid_choice": "Select the partnership",
        },
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Select a partner agency of this partnership"},
    )
    what_is_late = forms.CharField(
        max_length=300,
        error_messages={
            "required": "Enter what is late or has not been done",
            "max_length": "What is late must be 300 characters or fewer",
        },
    )
    responsible = forms.CharField(
        max_length=300,
        required=False,
        error_messages={"max_length": "Who is responsible must be 300 characters or fewer"},
    )
    details = forms.CharField(
        max_length=5000,
        error_messages={
            "required": "Enter why you are escalating",
            "max_length": "Why you are escalating must be 5000 characters or fewer",
        },
    )

    def __init__(
        self,
        *args: Any,
        partnerships: QuerySet[Partnership],
        agencies: QuerySet[Agency] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships  # type: ignore[attr-defined]
        if agencies is None:
            del self.fields["agency"]
        else:
            field = self.fields["agency"]
            field.queryset = agencies  # type: ignore[attr-defined]
            field.required = True
            field.error_messages["required"] = "Select the agency you are escalating to"
        only = partnerships.first() if partnerships.count() == 1 else None
        if only is not None:
            self.fields["partnership"].initial = only.pk


class ResolveEscalationForm(GovukForm):
    outcome = forms.CharField(
        max_length=5000,
        error_messages={
            "required": "Enter the outcome of the escalation",
            "max_length": "The outcome must be 5000 characters or fewer",
        },
    )

    def clean_outcome(self) -> str:
        outcome = str(self.cleaned_data["outcome"]).strip()
        if not outcome:
            raise forms.ValidationError("Enter the outcome of the escalation")
        return outcome
