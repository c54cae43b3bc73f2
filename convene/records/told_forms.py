"""Forms of "told means told" (R002.9): agencies added at distribution; how someone was told."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from convene.core.forms import GovukDateField, GovukForm, GovukTimeField, london_datetime
from convene.people.models import Agency
from convene.records.models import DistributionLog

__all__ = ["AddAgenciesForm", "ToldForm"]


class AddAgenciesForm(GovukForm):
    agencies = forms.ModelMultipleChoiceField(
        label="Other relevant agencies to tell the outcome (optional)",
        help_text="Agencies of the partnership that were not invited. Each is sent the outcome "
        "notice at its team address.",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Select only agencies of this partnership that were not invited",
            "invalid_pk_value": "Select only agencies of this partnership that were not invited",
        },
    )

    def __init__(self, *args: Any, options: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choose_from(agencies=options)


class ToldForm(GovukForm):
    how = forms.ChoiceField(
        label="How did you tell them?",
        choices=DistributionLog.ToldHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you told them"},
    )
    date = GovukDateField(label="Date you told them", subject="the date you told them")
    time = GovukTimeField(
        label="Time", subject="the time you told them", help_text="For example, 14:30"
    )
    told_by = forms.CharField(
        label="Who told them",
        max_length=200,
        error_messages={"required": "Enter who told them"},
    )

    def told_at(self) -> datetime:
        return london_datetime(self.cleaned_data["date"], self.cleaned_data["time"])
