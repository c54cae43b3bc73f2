"""A manager overriding a referral's recommendation to a strategy meeting, as the
override reports' tests do many times."""

from __future__ import annotations

from datetime import datetime

from convene.people.models import Professional
from convene.referrals.models import Referral
from convene.referrals.services import referral_override
from tests.convening import NOW


def override_to_meeting(
    referral: Referral,
    *,
    by: Professional,
    now: datetime = NOW,
    reason: str = "Several agencies involved",
) -> None:
    fresh = Referral.objects.get(pk=referral.pk)  # its version as it stands now
    referral_override(
        referral=fresh,
        pathway="strategy_meeting",
        reason=reason,
        by=by,
        now=now,
        expected_version=fresh.version,
    )
