"""What the parts' forms share: a form for one part, its text fields and flags, owners.

Forms check the shape of what was typed; the rules (who, completeness, dates
against the discussion) live in the services. A part is saved on its own and
may be saved half done ("In progress"), so few fields are required here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django import forms

from convene.core.forms import GovukForm, SearchableSelect, yes_no_field
from convene.people.models import Agency, Professional
from convene.records.sections._base import TEXT_MAX

NOT_FOR_FAMILY = "Do not share this with the family"
NOT_FOR_FAMILY_HINT = (
    "It would put the child at greater risk or harm a police investigation. "
    "It is then left out of everything the family may see."
)


def text(label: str, hint: str = "", rows: int = 4, *, initial: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        initial=initial or "",
    )


def radios(
    label: str, labels: Mapping[Any, str], *, initial: Any = None, hint: str = ""
) -> forms.ChoiceField:
    """An optional question answered by one of a vocabulary's ``labels``, as radios."""
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=[(value.value, text) for value, text in labels.items()],
        widget=forms.RadioSelect,
        required=False,
        initial=initial,
    )


def not_for_family() -> forms.BooleanField:
    return forms.BooleanField(label=NOT_FOR_FAMILY, help_text=NOT_FOR_FAMILY_HINT, required=False)


def yes_no(label: str, value: Any = None, hint: str = "") -> forms.TypedChoiceField:
    """An optional yes/no question, showing the stored answer (True, False or None)."""
    field = yes_no_field(label=label, help_text=hint, required=False, required_message="")
    field.initial = None if value is None else ("yes" if value else "no")
    return field


def stored_yes_no(value: Any) -> str | None:
    return None if value is None else ("yes" if value else "no")


def answer(value: Any) -> bool | None:
    """A yes/no field's cleaned value as stored: unanswered is None."""
    return None if value in ("", None) else bool(value)


class PartForm(GovukForm):
    """A form for one part: ``initial`` from content, ``content()`` from cleaned data."""

    def __init__(self, *args: Any, content: Mapping[str, Any], **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_from(content))
        super().__init__(*args, **kwargs)
        self.stored = dict(content)

    # Optional yes/no questions: shown as "yes"/"no", stored as True, False or None.
    yes_no_answers: tuple[str, ...] = ()
    # Dates: stored as ISO text, shown in the date field.
    date_answers: tuple[str, ...] = ()

    def initial_from(self, content: Mapping[str, Any]) -> dict[str, Any]:
        initial = {name: content.get(name) for name in self.base_fields if name in content}
        initial.update({name: stored_yes_no(content.get(name)) for name in self.yes_no_answers})
        initial.update(
            {
                name: date.fromisoformat(str(content[name]))
                for name in self.date_answers
                if content.get(name)
            }
        )
        return initial

    def content(self) -> dict[str, Any]:
        content = {**self.stored, **{k: v for k, v in self.cleaned_data.items() if v is not None}}
        content.update({name: answer(self.cleaned_data.get(name)) for name in self.yes_no_answers})
        return content


# --- owners: a person or an agency of the partnership ----------------------------------------


def owner_field() -> forms.ChoiceField:
    """ "Who will do it?": a person or an agency, found by typing (an action, a safety-plan
    action); its choices are set by the form from ``owner_choices``."""
    return forms.ChoiceField(
        label="Who will do it?",
        widget=SearchableSelect,
        help_text="A person, or an agency when the agency decides who",
        error_messages={
            "required": "Choose who will do it",
            "invalid_choice": "Choose who will do it",
        },
    )


def owner_choices(
    people: Sequence[Professional], agencies: Sequence[Agency]
) -> list[tuple[str, str]]:
    """People first, then agencies, in one flat list (the GOV.UK select has no groups)."""
    return [
        ("", "Choose a person or an agency"),
        *[(f"person:{p.pk}", f"{p} ({p.agency.name})" if p.agency else str(p)) for p in people],
        *[(f"agency:{a.pk}", f"{a.name} (the agency)") for a in agencies],
    ]


class OwnerChoices:
    """For a form with an ``owner`` field: its choices are the people and agencies given.

    Put it first in the bases (``class F(OwnerChoices, GovukForm)``).
    """

    fields: dict[str, Any]

    def __init__(
        self,
        *args: Any,
        people: Sequence[Professional],
        agencies: Sequence[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices(people, agencies)


def parse_owner(value: str) -> tuple[str, int] | None:
    kind, _, pk = value.partition(":")
    if kind in {"person", "agency"} and pk.isdigit():
        return kind, int(pk)
    return None
