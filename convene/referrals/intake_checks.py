"""Checks of who referred and the children a referral is about, before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from convene.core.errors import Invalid, check_fits
from convene.people import nhs_number
from convene.people.models import Child, Partnership
from convene.referrals.models import Referral

if TYPE_CHECKING:
    from convene.referrals.services import NewChild, Referrer

__all__ = ["check_children", "check_referrer"]


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


def check_referrer(referrer: Referrer, partnership: Partnership) -> None:
    check_fits(
        Referral,
        referrer_name=referrer.name.strip(),
        referrer_organisation=referrer.organisation.strip(),
        referrer_role=referrer.role.strip(),
        referrer_email=referrer.email.strip(),
        referrer_phone=referrer.phone.strip(),
    )
    if not referrer.name.strip():
        raise Invalid("Enter the referrer's name", field="referrer_name")
    if referrer.email.strip():
        try:
            validate_email(referrer.email.strip())
        except ValidationError:
            raise Invalid(
                "Enter the referrer's email address in the correct format, like name@example.org",
                field="referrer_email",
            ) from None
    if referrer.agency is not None:
        if not referrer.agency.partnerships.filter(pk=partnership.pk).exists():
            raise Invalid(
                f"{referrer.agency.name} is not an agency of {partnership.name}",
                field="referrer_agency",
            )
    elif not referrer.organisation.strip():
        raise Invalid(
            "Enter the referrer's organisation, or 'Member of the public'",
            field="referrer_organisation",
        )
    if not referrer.email.strip() and not referrer.phone.strip():
        raise Invalid("Enter the referrer's email address or phone number", field="referrer_email")
