"""Form fields that speak GOV.UK: date inputs, times, yes/no radios, their error messages.

Forms only parse and check the shape of input; the rules live in services.
Pages render fields with ``{% govuk_field %}`` (``convene.core.templatetags.govuk_forms``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict

from convene.core.errors import ServiceError
from convene.workdays import LONDON


def govuk_length_message(field: forms.Field) -> None:
    """Say "<label> must be N characters or fewer" (GOV.UK), not Django's default, unless the
    field words it itself."""
    limit = getattr(field, "max_length", None)
    if limit is None or ("max_length" in field.error_messages and not _is_default(field)):
        return
    subject = str(field.label or "This answer").strip().removesuffix("(optional)").strip()
    subject = subject.rstrip("?:").strip()
    field.error_messages["max_length"] = f"{subject} must be {limit} characters or fewer"


def _is_default(field: forms.Field) -> bool:
    # Django's own wording never reaches a page: it names no field.
    return str(field.error_messages.get("max_length", "")).startswith("Ensure this value")


class GovukForm(forms.Form):
    """Every form: a too-long answer is refused in GOV.UK words naming the field."""

    def full_clean(self) -> None:
        # At cleaning, not at creation: fields added in a subclass's __init__ count too.
        for field in self.fields.values():
            govuk_length_message(field)
        super().full_clean()

    def choose_from(self, **querysets: Any) -> None:
        """Limit each named model-choice field to the rows its caller's selector allows."""
        for name, queryset in querysets.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class SearchableSelect(forms.Select):
    """A plain select that, with JavaScript, becomes an accessible autocomplete: type part of
    a name, an agency or a role (the option text carries them) to narrow the list
    (``convene/core/static/convene/init.mjs``). Without JavaScript it stays a select."""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__({"data-convene-autocomplete": "true", **(attrs or {})}, choices)


class DateParts(NamedTuple):
    day: str
    month: str
    year: str


class GovukDateWidget(forms.Widget):
    """Three inputs named ``<name>-day``, ``<name>-month``, ``<name>-year`` (GOV.UK date input)."""

    parts = ("day", "month", "year")

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> DateParts:
        return DateParts(*(str(data.get(f"{name}-{part}", "")).strip() for part in self.parts))

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> bool:
        return not any(f"{name}-{part}" in data for part in self.parts)

    def format_value(self, value: Any) -> DateParts:  # type: ignore[override]
        if isinstance(value, DateParts):
            return value
        if isinstance(value, date):
            return DateParts(str(value.day), str(value.month), str(value.year))
        return DateParts("", "", "")


class GovukDateField(forms.Field):
    """A calendar date from a GOV.UK date input, with the Design System's error messages."""

    widget = GovukDateWidget

    def __init__(self, *, subject: str, **kwargs: Any) -> None:
        # ``subject`` names the date in messages: "the date the concern was received".
        self.subject = subject
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter {subject}")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        parts = value if isinstance(value, DateParts) else DateParts("", "", "")
        if not any(parts):
            return None
        subject = self.subject[0].upper() + self.subject[1:]
        missing = [
            name for name, part in zip(GovukDateWidget.parts, parts, strict=True) if not part
        ]
        if missing:
            raise ValidationError(f"{subject} must include a {' and a '.join(missing)}")
        if not all(part.isdigit() for part in parts):
            raise ValidationError(f"{subject} must be a real date")
        if len(parts.year) != 4:
            raise ValidationError("Year must include 4 numbers")
        try:
            return date(int(parts.year), int(parts.month), int(parts.day))
        except ValueError:
            raise ValidationError(f"{subject} must be a real date") from None


_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm)?$", re.IGNORECASE)


class GovukTimeField(forms.CharField):
    """A time of day typed as 14:30, 14.30, 2:30pm or 2pm."""

    def __init__(self, *, subject: str, **kwargs: Any) -> None:
        self.subject = subject
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter {subject}")
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> time | None:
        text = super().clean(value)
        if not text:
            return None
        match = _TIME.match(text.strip())
        subject = self.subject[0].upper() + self.subject[1:]
        if not match:
            raise ValidationError(f"{subject} must be a time, like 09:30 or 14:00")
        hour, minute = int(match["h"]), int(match["m"] or 0)
        if match["ampm"]:
            if not 1 <= hour <= 12:
                raise ValidationError(f"{subject} must be a real time")
            hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
        if hour > 23 or minute > 59:
            raise ValidationError(f"{subject} must be a real time")
        return time(hour, minute)


def yes_no_field(*, required_message: str, **kwargs: Any) -> forms.TypedChoiceField:
    """Yes/No radios that clean to a bool."""
    return forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
        **kwargs,
    )


def london_datetime(day: date, at: time) -> datetime:
    """A London wall-clock date and time as an aware datetime (fold=0 across clock changes)."""
    return datetime.combine(day, at, tzinfo=LONDON)


def add_service_errors(
    form: forms.BaseForm, error: ServiceError, field_of: Mapping[str, str] | None = None
) -> None:
    """Put every mistake a service found on the form, each against its field, so that the
    error summary lists them all at once. ``field_of`` maps a service's argument to the
    form field that carries it (``starts_at`` → ``date``)."""
    for problem in error.problems:
        field = (field_of or {}).get(problem.field or "", problem.field)
        form.add_error(field if field in form.fields else None, problem.message)
