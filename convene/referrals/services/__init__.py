"""Writes of referrals: record the concern, triage it, accept or override the recommendation.

Every function is keyword-only, checks before it writes and runs in one
transaction; every write adds one to ``Referral.version`` and the functions
that change an existing referral refuse a stale ``expected_version``.
"""

from convene.referrals.services._common import (
    AGENCIES_KEY_MAX,
    RECEIVED_WITHIN,
    NewChild,
    Referrer,
    RiskFacts,
)
from convene.referrals.services.create import (
    referral_create,
    referral_triage,
    referral_update_facts,
)
from convene.referrals.services.decide import (
    referral_accept,
    referral_close,
    referral_note_convening,
    referral_override,
)

__all__ = [
    "AGENCIES_KEY_MAX",
    "RECEIVED_WITHIN",
    "NewChild",
    "Referrer",
    "RiskFacts",
    "referral_accept",
    "referral_close",
    "referral_create",
    "referral_note_convening",
    "referral_override",
    "referral_triage",
    "referral_update_facts",
]
