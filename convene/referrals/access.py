"""Referrals in the one access layer (``convene.core.access``).

Read: the referral is in ``referrals_visible_to`` (social care of the
partnership; a restricted referral only the people named on it). Change
(triage, the decision): a social care manager who may see it
(``may_decide_and_convene``). Recording a new referral has no object yet: the
pages ask ``may_record_referrals``.
"""

from __future__ import annotations

from convene.core.access import READS, AccessAction, in_selector, part_of, rule_for, seen_through
from convene.people.models import Professional
from convene.referrals.models import Referral, ReferralChild, TriageReason
from convene.referrals.selectors import may_decide_and_convene, referrals_visible_to


@rule_for(Referral)
def _referral_rule(user: Professional, action: AccessAction, referral: Referral) -> bool:
    if not in_selector(referrals_visible_to, user=user, obj=referral):
        return False
    return action in READS or may_decide_and_convene(user=user)


part_of(ReferralChild, parent=lambda link: link.referral, via="referral")
part_of(TriageReason, parent=lambda reason: reason.referral, via="referral")
seen_through(Referral, referrals_visible_to)
