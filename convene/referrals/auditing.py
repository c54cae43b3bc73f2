"""Audit entries about a referral: one per child on it, in the caller's transaction.

The services (changes), the pages and the API (reads) all write them here.
"""

from __future__ import annotations

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.people.models import Professional
from convene.referrals.models import Referral
from convene.referrals.selectors import referral_children


def audit_referral(
    referral: Referral,
    *,
    action: Action,
    summary: str,
    by: Professional,
    context: AuditContext | None,
) -> None:
    """One entry per child on the referral, with ``summary`` as given."""
    audit_record_children(
        actor=by,
        action=action,
        obj=referral,
        children=referral_children(referral=referral),
        summary=summary,
        context=context,
    )


def audit_referral_viewed(
    referral: Referral, *, summary: str, by: Professional, context: AuditContext | None
) -> None:
    """A page or API read of the referral: one "view" entry per child."""
    audit_referral(referral, action=Action.VIEW, summary=summary, by=by, context=context)
