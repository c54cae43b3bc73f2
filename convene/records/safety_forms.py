"""The record's safety questions, added to the part forms that ask them.

* Attendance: how the discussion was held and, by phone, why (R002.3).
* Information shared: what was shared without consent, and why that was reasonable,
  proportionate and relevant (R003.2).
* Each professional's view: the key question in the document's words, whether the
  child is at risk without action, whether a section 47 enquiry is needed and by whom
  (Children's Services, the Police or both), or why no view was given (R003.6).

Forms only check shape; completeness and the authorising rules are in
``convene.records.sections`` and ``convene.records.authorise_checks``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from convene.core.forms import yes_no_field
from convene.records import sections

__all__ = [
    "KEY_QUESTION",
    "add_consent_fields",
    "add_format_fields",
    "add_view_fields",
    "consent_content",
    "format_content",
    "view_content",
    "view_field_names",
]

KEY_QUESTION = (
    "Given what we know, do we consider that the child has suffered or is likely to suffer "
    "significant and ongoing harm? Without doing something, is this child at risk of harm?"
)


def _text(label: str, hint: str = "", *, initial: Any = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=sections.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        initial=initial or "",
    )


def _yes_no(label: str, value: Any, hint: str = "") -> forms.TypedChoiceField:
    field = yes_no_field(label=label, help_text=hint, required=False, required_message="")
    field.initial = None if value is None else ("yes" if value else "no")
    return field


def _bool(value: Any) -> bool | None:
    return None if value in ("", None) else bool(value)


# --- R002.3: a meeting, or by phone -----------------------------------------------------------


def add_format_fields(form: forms.BaseForm, content: Mapping[str, Any]) -> None:
    form.fields["format"] = forms.ChoiceField(
        label="How was the discussion held?",
        help_text="Unless the risk is immediate, a meeting is preferred to phone calls",
        choices=[(f.value, label) for f, label in sections.FORMAT_LABELS.items()],
        widget=forms.RadioSelect,
        required=False,
        initial=content.get("format"),
    )
    form.fields["phone_reason"] = _text(
        "If by phone: why was it not a meeting?",
        "Needed unless the risk to the child was immediate",
        initial=content.get("phone_reason"),
    )


def format_content(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "format": cleaned.get("format") or None,
        "phone_reason": cleaned.get("phone_reason", ""),
    }


# --- R003.2: information shared without consent -----------------------------------------------


def add_consent_fields(form: forms.BaseForm, content: Mapping[str, Any]) -> None:
    form.fields["shared_without_consent"] = _yes_no(
        "Was any information shared without consent?",
        content.get("shared_without_consent"),
        "Information is shared without consent only where that is reasonable, proportionate "
        "and relevant",
    )
    form.fields["without_consent_what"] = _text(
        "What was shared without consent, and by which agency",
        initial=content.get("without_consent_what"),
    )
    form.fields["without_consent_why"] = _text(
        "Why sharing it was reasonable, proportionate and relevant",
        initial=content.get("without_consent_why"),
    )


def consent_content(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "shared_without_consent": _bool(cleaned.get("shared_without_consent")),
        "without_consent_what": cleaned.get("without_consent_what", ""),
        "without_consent_why": cleaned.get("without_consent_why", ""),
    }


# --- R003.6: each professional's answer -------------------------------------------------------


def view_field_names(pk: int) -> tuple[str, ...]:
    """The fields asked of one professional, in the order the page shows them."""
    return (
        f"view_{pk}",
        f"at_risk_{pk}",
        f"s47_by_{pk}",
        f"comment_{pk}",
        f"no_view_reason_{pk}",
        f"not_for_family_{pk}",
    )


def add_view_fields(form: forms.BaseForm, pk: int, found: Mapping[str, Any]) -> None:
    form.fields[f"at_risk_{pk}"] = _yes_no(
        "Without doing something, is this child at risk of harm?",
        found.get("at_risk_without_action"),
    )
    form.fields[f"s47_by_{pk}"] = forms.ChoiceField(
        label="Does a section 47 enquiry need to be started, and by whom?",
        choices=[(s.value, label) for s, label in sections.S47_BY_LABELS.items()],
        widget=forms.RadioSelect,
        required=False,
        initial=found.get("s47_by"),
    )
    form.fields[f"no_view_reason_{pk}"] = _text(
        "If they gave no view: why not",
        "For example, they left before the question was put. A view or a reason is needed "
        "for each professional who attended",
        initial=found.get("no_view_reason"),
    )


def view_content(cleaned: Mapping[str, Any], pk: int) -> dict[str, Any]:
    return {
        "at_risk_without_action": _bool(cleaned.get(f"at_risk_{pk}")),
        "s47_by": cleaned.get(f"s47_by_{pk}") or None,
        "no_view_reason": cleaned.get(f"no_view_reason_{pk}", ""),
    }
