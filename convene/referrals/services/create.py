"""Record a concern, triage it, correct its facts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from django.db import transaction

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.core.errors import (
    Conflict,
    Invalid,
    NotAllowed,
    check_text,
    require_aware,
)
from convene.people.models import Child, Partnership, Professional
from convene.people.vocab import ConcernCategory
from convene.referrals.intake_checks import check_children, check_referrer
from convene.referrals.models import (
    HowReceived,
    Referral,
    ReferralChild,
)
from convene.referrals.receipt_clocks import clocks_from_receipt
from convene.referrals.selectors import (
    may_record_referrals,
)
from convene.referrals.services._common import (
    _RISK_FIELDS,
    RECEIVED_WITHIN,
    NewChild,
    Referrer,
    RiskFacts,
    _audit,
    _categories,
    _check_facts,
    _check_named,
    _check_partnership,
    _locked,
    _new_child,
    _save,
    _triage,
)
from convene.referrals.tally import counted_as, tally_moved


@transaction.atomic
def referral_create(
    *,
    partnership: Partnership,
    received_at: datetime,
    how_received: str,
    referrer: Referrer,
    account: str,
    triage_conversation: str,
    categories: Collection[str],
    facts: RiskFacts,
    children: Sequence[Child] = (),
    new_children: Sequence[NewChild] = (),
    named_people: Collection[Professional] = (),
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> Referral:
    """Record a concern about one or more children and store the policy's recommendation."""
    if not may_record_referrals(user=by):
        raise NotAllowed("Only children's social care staff record referrals")
    _check_partnership(by, partnership)
    check_text(
        account=account,
        triage_conversation=triage_conversation,
        referrer_name=referrer.name,
        referrer_organisation=referrer.organisation,
        referrer_role=referrer.role,
        referrer_email=referrer.email,
        referrer_phone=referrer.phone,
        **{
            f"child_{name}": getattr(spec, name)
            for spec in new_children
            for name in ("first_name", "last_name", "nhs_number")
        },
    )
    require_aware(received_at, "received_at")
    if received_at > now:
        raise Invalid(
            "The date and time the concern was received must be in the past", field="received_at"
        )
    if received_at < now - RECEIVED_WITHIN:
        raise Invalid(
            "The date the concern was received must be within the last year", field="received_at"
        )
    if how_received not in HowReceived.values:
        raise Invalid("Select how the concern was received", field="how_received")
    check_referrer(referrer, partnership)
    if not account.strip():
        raise Invalid("Enter what happened, in the referrer's words", field="account")
    chosen = _categories(categories)
    _check_facts(facts)
    check_children(partnership, children, new_children)
    restricted = ConcernCategory.ALLEGATION_AGAINST_STAFF.value in chosen
    if restricted:
        _check_named(partnership, named_people)
    created = [_new_child(spec, partnership, by) for spec in new_children]

    referral = Referral.objects.create(
        partnership=partnership,
        received_at=received_at,
        how_received=how_received,
        referrer_agency=referrer.agency,
        referrer_organisation="" if referrer.agency else referrer.organisation.strip(),
        referrer_name=referrer.name.strip(),
        referrer_role=referrer.role.strip(),
        referrer_email=referrer.email.strip(),
        referrer_phone=referrer.phone.strip(),
        account=account.strip(),
        triage_conversation=triage_conversation.strip(),
        categories=chosen,
        restricted=restricted,
        created_by=by,
        modified_by=by,
        **{name: getattr(facts, name) for name in _RISK_FIELDS},
    )
    for child in created:
        child.save()
    ReferralChild.objects.bulk_create(
        [ReferralChild(referral=referral, child=child) for child in children]
        + [
            ReferralChild(referral=referral, child=child, added_by_referral=True)
            for child in created
        ]
    )
    if restricted:
        referral.named_people.add(by, *named_people)
    fields, pack, explanation = _triage(referral, now)
    referral.save(update_fields=fields)
    tally_moved(None, referral)
    clocks_from_receipt(referral=referral, pack=pack, explanation=explanation, by=by, now=now)
    for child in created:
        audit_record_children(
            actor=by,
            action=Action.CREATE,
            obj=child,
            children=[child],
            summary=f"Recorded the child with referral {referral.reference}",
            context=context,
        )
    _audit(referral, action=Action.CREATE, summary="Recorded the referral", by=by, context=context)
    return referral


@transaction.atomic
def referral_triage(
    *, referral: Referral, by: Professional, now: datetime, context: AuditContext | None = None
) -> Referral:
    """Ask the policy again (e.g. after the pack was updated) and store its answer."""
    if not may_record_referrals(user=by):
        raise NotAllowed("Only children's social care staff triage referrals")
    referral = _locked(referral, None, now)
    if referral.status != Referral.Status.AWAITING_TRIAGE:
        raise Conflict("This referral has already been triaged")
    _save_triaged(
        referral,
        by=by,
        now=now,
        summary="Triaged again under the policy as it is now",
        context=context,
    )
    return referral


@transaction.atomic
def referral_update_facts(
    *,
    referral: Referral,
    categories: Collection[str],
    facts: RiskFacts,
    by: Professional,
    now: datetime,
    expected_version: int,
    context: AuditContext | None = None,
) -> Referral:
    """Correct the concern and risk answers before the decision; the recommendation follows."""
    if not may_record_referrals(user=by):
        raise NotAllowed("Only children's social care staff change referrals")
    referral = _locked(referral, expected_version, now)
    if referral.status != Referral.Status.AWAITING_TRIAGE:
        raise Conflict("The pathway has been decided: the answers it was decided on are kept")
    chosen = _categories(categories)
    _check_facts(facts)
    referral.categories = chosen
    for name in _RISK_FIELDS:
        setattr(referral, name, getattr(facts, name))
    referral.restricted = ConcernCategory.ALLEGATION_AGAINST_STAFF.value in chosen
    if referral.restricted:
        referral.named_people.add(by)
    _save_triaged(
        referral,
        by=by,
        now=now,
        summary="Corrected the concerns and risk answers",
        context=context,
        changed=["categories", "restricted", *_RISK_FIELDS],
    )
    return referral


def _save_triaged(
    referral: Referral,
    *,
    by: Professional,
    now: datetime,
    summary: str,
    context: AuditContext | None,
    changed: Sequence[str] = (),
) -> None:
    """Triage under the policy as it is now, save, restart the receipt clocks, audit."""
    before = counted_as(referral)
    fields, pack, explanation = _triage(referral, now)
    _save(referral, by, [*changed, *fields])
    tally_moved(before, referral)
    clocks_from_receipt(referral=referral, pack=pack, explanation=explanation, by=by, now=now)
    _audit(referral, action=Action.CHANGE, summary=summary, by=by, context=context)
