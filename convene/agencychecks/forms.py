"""The agency check form, built from the questions."""

from __future__ import annotations

from typing import Any

from django import forms

from convene.agencychecks.questions import KNOWN, KNOWN_ANSWERS, questions_for
from convene.core.forms import GovukForm

ANSWER_MAX = 5000
ROLE_MAX = 200


class AgencyCheckForm(GovukForm):
    def __init__(self, *args: Any, school: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[KNOWN] = forms.ChoiceField(
            label="Is the child known to your agency?",
            choices=list(KNOWN_ANSWERS.items()),
            widget=forms.RadioSelect,
            error_messages={"required": "Select whether the child is known to your agency"},
        )
        for question in questions_for(school=school):
            one_line = question.key == "completed_by_role"
            self.fields[question.key] = forms.CharField(
                label=question.label,
                help_text=question.hint,
                required=False,
                max_length=ROLE_MAX if one_line else ANSWER_MAX,
                widget=forms.TextInput() if one_line else forms.Textarea(attrs={"rows": 3}),
            )

    def content(self) -> dict[str, str]:
        return {key: value.strip() for key, value in self.cleaned_data.items() if value}
