from __future__ import annotations

from typing import Any

from django import forms

from convene.allocation.models import Team
from convene.core.forms import GovukForm
from convene.people.models import Professional


class AllocationForm(GovukForm):
    social_worker = forms.ModelChoiceField(
        queryset=Professional.objects.none(),
        label="Social worker",
        empty_label="Choose a social worker",
        error_messages={
            "required": "Choose a social worker",
            "invalid_choice": "Choose a social worker from the list",
        },
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        label="Team",
        required=False,
        empty_label="No team",
        error_messages={"invalid_choice": "Choose a team from the list"},
    )
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, workers: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choose_from(social_worker=workers, team=teams)
