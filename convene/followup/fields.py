"""The fields and the versioned form the follow-through's forms share: long text with one limit,
a choice of people, the version a page showed (optimistic locking), a day and a time read as
one London moment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms

from convene.core.forms import (
    GovukForm,
    london_datetime,
)
from convene.core.pages import attempt as core_attempt
from convene.people.models import Professional

T = TypeVar("T")

TEXT_MAX = 10_000


def text_field(label: str, hint: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class PeopleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Professional) -> str:
        agency = f", {obj.agency.name}" if obj.agency else ""
        return f"{obj}{agency}"


class VersionedForm(GovukForm):
    """Carries the version of the record the page showed (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class PeopleAndMomentForm(VersionedForm):
    """A versioned form with a choice of the partnership's people (``people_field``, given as
    ``people=``) and a day and a time read as one London moment (``moment``: the day field,
    the time field, and the name the moment is cleaned as)."""

    people_field = ""
    moment: tuple[str, str, str] = ("", "", "")

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.people_field].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        set_when(self, *self.moment)
        return self.cleaned_data


def set_when(form: forms.Form, day_field: str, time_field: str, target: str) -> None:
    day, at = form.cleaned_data.get(day_field), form.cleaned_data.get(time_field)
    if day and at:
        form.cleaned_data[target] = london_datetime(day, at)


# Where a service's complaint about a moment shows: on the day field the moment was read from.
FIELD_OF = {
    "visited_at": "visited_on",
    "conference_at": "conference_on",
    "held_at": "held_on",
}


def attempt(form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """``core.pages.attempt`` for the follow-through's forms, whose moments are a day and a time."""
    return core_attempt(form, call, field_of=FIELD_OF)
