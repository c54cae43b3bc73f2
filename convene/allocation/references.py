"""Case references, in one place: R000007 (referral), D… (discussion), S… (S47 enquiry),
C… (conference). Parsed leniently (case, spaces, missing zeros) and looked up only through
the reader's own selectors, so a reference they may not see answers exactly as one that
does not exist ("no match")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Model
from django.urls import reverse

from convene.people.models import Professional

_PATTERN = re.compile(r"^\s*([RDSC])\s*-?\s*0*(\d{1,12})\s*$", re.IGNORECASE)
# Larger than any primary key a database hands out: not a reference, just digits.
_MAX_PK = 2**63 - 1

KIND_NAMES = {
    "R": "referral",
    "D": "strategy discussion",
    "S": "S47 enquiry",
    "C": "initial child protection conference",
}


@dataclass(frozen=True)
class Reference:
    letter: str
    pk: int

    def __str__(self) -> str:
        return f"{self.letter}{self.pk:06d}"


def parse(text: str) -> Reference | None:
    """``Reference`` if ``text`` reads as one (``r7``, ``D 000012``, ``S-000003``), else None."""
    match = _PATTERN.match(text.replace("\x00", ""))
    if match is None:
        return None
    pk = int(match.group(2))
    if pk == 0 or pk > _MAX_PK:
        return None
    return Reference(match.group(1).upper(), pk)


def find(*, user: Professional, reference: Reference) -> tuple[Model, str] | None:
    """The record and its page, if ``user`` may see it; None otherwise (or if it does not
    exist): the two are never told apart."""
    from convene.discussions.selectors import discussions_visible_to
    from convene.followup.conferences.selectors import icpcs_visible_to
    from convene.followup.enquiries.selectors import s47_enquiries_visible_to
    from convene.referrals.selectors import referrals_visible_to

    if reference.letter == "R":
        referral = referrals_visible_to(user=user).filter(pk=reference.pk).first()
        return (referral, referral.get_absolute_url()) if referral else None
    if reference.letter == "D":
        discussion = discussions_visible_to(user=user).filter(pk=reference.pk).first()
        return (discussion, discussion.get_absolute_url()) if discussion else None
    if reference.letter == "S":
        enquiry = s47_enquiries_visible_to(user=user).filter(pk=reference.pk).first()
        return (enquiry, reverse("followup:s47", args=[enquiry.pk])) if enquiry else None
    icpc = icpcs_visible_to(user=user).filter(pk=reference.pk).first()
    return (icpc, reverse("followup:icpc", args=[icpc.pk])) if icpc else None
