"""Choosing people on the discussion pages: the invitee checkboxes grouped by agency, and
who could fill each gap in the attendance checklist."""

from __future__ import annotations

from typing import Any

from django import forms

from convene.discussions.attendance import ChecklistItem
from convene.people.models import Professional
from convene.people.vocab import ROLE_LABELS


def people_groups(field: forms.BoundField) -> list[tuple[str, list[dict[str, Any]]]]:
    """The invitee checkboxes grouped by agency, with each person's roles as the hint."""
    value = field.value() or []
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    groups: dict[str, list[dict[str, Any]]] = {}
    choices = getattr(field.field, "choices", ())
    for index, (option, label) in enumerate(choices):
        person = option.instance
        roles = ", ".join(ROLE_LABELS[role] for role in sorted(person.role_set))
        groups.setdefault(person.agency.name if person.agency else "No agency", []).append(
            {
                "value": str(option),
                "label": label,
                "id": field.auto_id if index == 0 else f"{field.auto_id}-{index + 1}",
                "checked": str(option) in chosen,
                "hint": roles,
            }
        )
    return list(groups.items())


def suggestions(
    items: list[ChecklistItem], people: list[Professional]
) -> list[tuple[ChecklistItem, list[Professional]]]:
    return [
        (item, [p for p in people if item.missing and item.met_by_person(p)][:5]) for item in items
    ]
