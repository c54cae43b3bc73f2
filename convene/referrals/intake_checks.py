"""Checks of the children a referral is recorded about, before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from convene.core.errors import Invalid
from convene.people import nhs_number
from convene.people.models import Child, Partnership

if TYPE_CHECKING:
    from convene.referrals.services import NewChild

__all__ = ["check_children"]


def check_children(
    partnership: Partnership, children: Sequence[Child], new_children: Sequence[NewChild]
) -> None:
    if not children and not new_children:
        raise Invalid("Add at least one child", field="children")
    seen: set[int] = set()
    for child in children:
        if child.pk is None or child.partnership_id != partnership.pk:
            raise Invalid("Child not found in this partnership", field="children")
        if child.pk in seen:
            raise Invalid(f"{child.full_name} is on this referral twice", field="children")
        seen.add(child.pk)
    numbers = []
    for spec in new_children:
        if spec.nhs_number.strip():
            try:
                numbers.append(nhs_number.normalise(spec.nhs_number))
            except nhs_number.InvalidNhsNumber as problem:
                name = f"{spec.first_name} {spec.last_name}".strip() or "New child"
                raise Invalid(f"{name}: {problem}", field="children") from None
    existing_numbers = {c.nhs_number for c in children if c.nhs_number}
    for number in numbers:
        if numbers.count(number) > 1 or number in existing_numbers:
            raise Invalid(
                f"The child with NHS number {nhs_number.formatted(number)} is on this "
                "referral twice",
                field="children",
            )
    clash = Child.objects.filter(partnership=partnership, nhs_number__in=numbers).first()
    if clash is not None:
        raise Invalid(
            f"A child with NHS number {clash.nhs_number_display} is already recorded "
            f"({clash.full_name}): find and add them rather than adding a new child",
            field="children",
        )
