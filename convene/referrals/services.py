"""Writes of referrals: record the concern, triage it, accept or override the recommendation.

Every function is keyword-only, checks before it writes and runs in one
transaction; every write adds one to ``Referral.version`` and the functions
that change an existing referral refuse a stale ``expected_version``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.clocks.services import clock_rescind
from convene.core.errors import (
    Conflict,
    Invalid,
    NotAllowed,
    Problems,
    check_text,
    require_aware,
    stale,
)
from convene.people.models import Agency, Child, Partnership, Professional, Sex
from convene.people.selectors import partnerships_of
from convene.people.vocab import ConcernCategory, ExploitationRating, LegalStatus
from convene.policy.explain_text import explanation_to_dict
from convene.policy.explanation import Explanation, explain
from convene.policy.loader import load_pack
from convene.policy.pack import PolicyPack
from convene.policy.vocab import ClockKind, Pathway, StartEvent
from convene.referrals.intake_checks import check_children, check_referrer
from convene.referrals.models import (
    PATHWAY_LABELS,
    HowReceived,
    Referral,
    ReferralChild,
    TriageDecision,
)
from convene.referrals.override_checks import override_problems
from convene.referrals.policy import case_facts
from convene.referrals.reasons import reasons_record
from convene.referrals.receipt_clocks import clocks_at_decision, clocks_from_receipt
from convene.referrals.selectors import (
    may_decide_and_convene,
    may_record_referrals,
    referral_children,
    restricted_record_readers,
)
from convene.referrals.signals import referral_triaged


@dataclass(frozen=True, kw_only=True)
class Referrer:
    """Who made the referral: someone at a partner agency, or outside the partnership."""

    name: str
    agency: Agency | None = None
    organisation: str = ""  # when not a partner agency, e.g. "Member of the public"
    role: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, kw_only=True)
class RiskFacts:
    """The answers the policy needs beyond the categories and the children (CaseFacts)."""

    significant_harm_suspected: bool
    immediate_risk: bool = False
    in_hospital: bool = False
    medical_needed: bool = False
    forensic_evidence_needed: bool = False
    complex_concerns: bool = False
    ongoing_risk: bool = False
    exploitation_rating: ExploitationRating = ExploitationRating.NOT_SCREENED
    agencies_key_to_planning: int = 0
    review_requested: bool = False
    new_information: bool = False


@dataclass(frozen=True, kw_only=True)
class NewChild:
    """A child not yet on record (an unborn child has an expected date of delivery instead)."""

    last_name: str
    first_name: str = ""
    date_of_birth: date | None = None
    expected_date_of_delivery: date | None = None
    sex: str = Sex.UNKNOWN
    nhs_number: str = ""
    legal_status: LegalStatus = LegalStatus.NONE
    setting: Agency | None = None


_RISK_FIELDS = tuple(RiskFacts.__dataclass_fields__)
# Agencies besides children's social care key to planning (R004.4); the form's limit too.
AGENCIES_KEY_MAX = 30
# How far back a concern may have been received: older dates are typing mistakes.
RECEIVED_WITHIN = timedelta(days=366)


def _audit(
    referral: Referral,
    *,
    action: Action,
    summary: str,
    by: Professional,
    request: HttpRequest | None,
) -> None:
    """One audit entry per child on the referral, in the caller's transaction."""
    audit_record_children(
        actor=by,
        action=action,
        obj=referral,
        children=referral_children(referral=referral),
        summary=f"{summary} (referral {referral.reference})",
        request=request,
    )


def _check_partnership(user: Professional, partnership: Partnership) -> None:
    if not partnerships_of(user=user).filter(pk=partnership.pk).exists():
        raise NotAllowed(f"You do not work for {partnership.name}")


def _categories(categories: Collection[str]) -> list[str]:
    if not categories:
        raise Invalid("Select at least one kind of concern", field="categories")
    known = {c.value for c in ConcernCategory}
    unknown = sorted(set(categories) - known)
    if unknown:
        raise Invalid(f"Unknown concern category: {', '.join(unknown)}", field="categories")
    return [c.value for c in ConcernCategory if c.value in set(categories)]


def _check_facts(facts: RiskFacts) -> None:
    if not 0 <= facts.agencies_key_to_planning <= AGENCIES_KEY_MAX:
        raise Invalid(
            f"The number of agencies key to planning must be between 0 and {AGENCIES_KEY_MAX}",
            field="agencies_key_to_planning",
        )
    if facts.exploitation_rating not in {rating.value for rating in ExploitationRating}:
        raise Invalid("Select the exploitation screening rating", field="exploitation_rating")


def _new_child(spec: NewChild, partnership: Partnership, by: Professional) -> Child:
    child = Child(
        partnership=partnership,
        first_name=spec.first_name.strip(),
        last_name=spec.last_name.strip(),
        date_of_birth=spec.date_of_birth,
        expected_date_of_delivery=spec.expected_date_of_delivery,
        sex=spec.sex,
        nhs_number=spec.nhs_number.strip(),
        legal_status=LegalStatus(spec.legal_status).value,
        setting=spec.setting,
        created_by=by,
        modified_by=by,
    )
    if (
        spec.setting is not None
        and not spec.setting.partnerships.filter(pk=partnership.pk).exists()
    ):
        raise Invalid(
            f"{spec.setting.name} is not an agency of {partnership.name}", field="children"
        )
    try:
        # The constraints too (a date of birth or an expected date of delivery): the
        # model's rules refuse bad input here with their message, not the database.
        child.full_clean(validate_unique=False, validate_constraints=True)
    except ValidationError as error:
        messages = "; ".join(m for ms in error.message_dict.values() for m in ms)
        raise Invalid(f"{child.full_name or 'New child'}: {messages}", field="children") from None
    return child


def _check_named(partnership: Partnership, named: Collection[Professional]) -> None:
    allowed = set(restricted_record_readers(partnership=partnership).values_list("pk", flat=True))
    for person in named:
        if person.pk not in allowed:
            raise Invalid(
                f"{person} cannot be named on a restricted record: name social care managers "
                "or the LADO",
                field="named_people",
            )


def _save(referral: Referral, by: Professional, fields: Collection[str]) -> None:
    referral.version += 1
    referral.modified_by = by
    referral.save(update_fields=[*fields, "version", "modified_by", "modified_at"])


def _locked(referral: Referral, expected_version: int | None, now: datetime) -> Referral:
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if expected_version is not None and current.version != expected_version:
        raise stale(
            noun="referral", changed_by=current.modified_by, changed_at=current.modified_at, now=now
        )
    return current


def _apply_triage(referral: Referral, now: datetime) -> list[str]:
    """Ask the policy for the pathway and the convene-by deadline, and store its answer."""
    return _triage(referral, now)[0]


def _triage(referral: Referral, now: datetime) -> tuple[list[str], PolicyPack, Explanation]:
    """:func:`_apply_triage`, with the pack and the explanation the clocks are started from."""
    pack = load_pack(referral.partnership.policy_id)
    facts = case_facts(referral, referral_children(referral=referral))
    explanation = explain(pack, facts, events={}, now=now)
    recommended = explanation.recommendation.pathway
    due = None
    if recommended is not None and recommended.convenes_strategy_discussion:
        due = next(
            (
                d.due_at
                for d in explanation.deadlines
                if d.clock == ClockKind.CONVENE and d.governing
            ),
            None,
        )
    referral.policy_id = pack.ref.policy_id
    referral.policy_version = pack.ref.version
    referral.policy_digest = pack.ref.digest
    referral.explanation = explanation_to_dict(explanation)
    referral.recommended_pathway = recommended.value if recommended else ""
    referral.recommended_rule_id = explanation.recommendation.rule_id or ""
    referral.recommended_due_at = due
    referral.triaged_at = now
    fields = [
        "policy_id",
        "policy_version",
        "policy_digest",
        "explanation",
        "recommended_pathway",
        "recommended_rule_id",
        "recommended_due_at",
        "triaged_at",
    ]
    return fields, pack, explanation


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
    request: HttpRequest | None = None,
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
    clocks_from_receipt(referral=referral, pack=pack, explanation=explanation, by=by, now=now)
    for child in created:
        audit_record_children(
            actor=by,
            action=Action.CREATE,
            obj=child,
            children=[child],
            summary=f"Recorded the child with referral {referral.reference}",
            request=request,
        )
    _audit(referral, action=Action.CREATE, summary="Recorded the referral", by=by, request=request)
    return referral


@transaction.atomic
def referral_triage(
    *, referral: Referral, by: Professional, now: datetime, request: HttpRequest | None = None
) -> Referral:
    """Ask the policy again (e.g. after the pack was updated) and store its answer."""
    if not may_record_referrals(user=by):
        raise NotAllowed("Only children's social care staff triage referrals")
    referral = _locked(referral, None, now)
    if referral.status != Referral.Status.AWAITING_TRIAGE:
        raise Conflict("This referral has already been triaged")
    fields, pack, explanation = _triage(referral, now)
    _save(referral, by, fields)
    clocks_from_receipt(referral=referral, pack=pack, explanation=explanation, by=by, now=now)
    _audit(
        referral,
        action=Action.CHANGE,
        summary="Triaged again under the policy as it is now",
        by=by,
        request=request,
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
    request: HttpRequest | None = None,
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
    fields, pack, explanation = _triage(referral, now)
    _save(referral, by, ["categories", "restricted", *_RISK_FIELDS, *fields])
    clocks_from_receipt(referral=referral, pack=pack, explanation=explanation, by=by, now=now)
    _audit(
        referral,
        action=Action.CHANGE,
        summary="Corrected the concerns and risk answers",
        by=by,
        request=request,
    )
    return referral


def _decide(
    referral: Referral,
    *,
    pathway: Pathway,
    decision: TriageDecision,
    reason: str,
    reasons: Mapping[str, str] | None,
    triage_fields: list[str],
    by: Professional,
    now: datetime,
    request: HttpRequest | None,
    problems: Problems | None = None,
) -> Referral:
    pack = load_pack(referral.policy_id)
    facts = case_facts(referral, referral_children(referral=referral), pathway=pathway)
    explanation = explain(pack, facts, events={StartEvent.DISCUSSION_REQUESTED: now}, now=now)
    # R000.1, R004.7: the reasons the pack asks (and the caller's problems) before deciding.
    reasons_record(
        referral=referral, explanation=explanation, reasons=reasons, by=by, now=now, also=problems
    )
    referral.explanation = explanation_to_dict(explanation)
    referral.chosen_pathway = pathway.value
    referral.decision = decision.value
    referral.override_reason = reason
    referral.decided_by = by
    referral.decided_at = now
    if pathway.convenes_strategy_discussion:
        referral.status = Referral.Status.TRIAGED
    else:
        # R004.6 (trigger meeting), R000.2c (HRPM consideration), R001.1 (threshold not met):
        # nothing to convene here, so no convene clock is ever started.
        referral.status = Referral.Status.CLOSED
        referral.closed_reason = f"{PATHWAY_LABELS[pathway]}: no strategy discussion to convene"
    _save(
        referral,
        by,
        [
            *triage_fields,
            "explanation",
            "chosen_pathway",
            "decision",
            "override_reason",
            "decided_by",
            "decided_at",
            "status",
            "closed_reason",
        ],
    )
    clocks_at_decision(
        referral=referral, pack=pack, explanation=explanation, pathway=pathway, by=by, now=now
    )
    if referral.restricted:
        referral.named_people.add(by)
    how = "Accepted the recommended" if decision == TriageDecision.ACCEPTED else "Overrode the"
    _audit(
        referral,
        action=Action.CHANGE,
        summary=f"{how} pathway: {PATHWAY_LABELS[pathway]}"
        + ("; referral closed" if referral.status == Referral.Status.CLOSED else ""),
        by=by,
        request=request,
    )
    if referral.status == Referral.Status.TRIAGED:
        referral_triaged.send(Referral, referral=referral, by=by, now=now, request=request)
    return referral


def _check_decider(referral: Referral, by: Professional) -> None:
    if not may_decide_and_convene(user=by):
        raise NotAllowed(
            "Only a social care manager (deputy team manager, team manager or head of service) "
            "decides the pathway"
        )
    _check_partnership(by, referral.partnership)


def _awaiting(referral: Referral) -> None:
    if referral.status != Referral.Status.AWAITING_TRIAGE:
        who = referral.decided_by or "someone"
        raise Conflict(f"This referral has already been triaged by {who}")


@transaction.atomic
def referral_accept(
    *,
    referral: Referral,
    by: Professional,
    now: datetime,
    expected_version: int,
    reasons: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    """Accept the recommended pathway; for a strategy discussion or meeting, start the clock.

    ``reasons`` answers the pack's reason rules by rule id (R000.1, R004.7)."""
    _check_decider(referral, by)
    referral = _locked(referral, expected_version, now)
    _awaiting(referral)
    # The decision stands on the facts and the pack as they are now.
    triage_fields = _apply_triage(referral, now)
    if not referral.recommended_pathway:
        raise Invalid(
            "The policy makes no recommendation for these answers: choose the pathway and "
            "give your reason",
            field="decision",
        )
    return _decide(
        referral,
        pathway=Pathway(referral.recommended_pathway),
        decision=Referral.Decision.ACCEPTED,
        reason="",
        reasons=reasons,
        triage_fields=triage_fields,
        by=by,
        now=now,
        request=request,
    )


@transaction.atomic
def referral_override(
    *,
    referral: Referral,
    pathway: str,
    reason: str,
    by: Professional,
    now: datetime,
    expected_version: int,
    reasons: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    """Choose another pathway than the recommendation; the reason is kept with the record."""
    _check_decider(referral, by)
    referral = _locked(referral, expected_version, now)
    _awaiting(referral)
    triage_fields = _apply_triage(referral, now)
    problems = override_problems(pathway, reason, referral.recommended_pathway)
    return _decide(
        referral,
        pathway=Pathway(pathway),
        decision=Referral.Decision.OVERRIDDEN,
        reason=reason.strip(),
        reasons=reasons,
        triage_fields=triage_fields,
        by=by,
        now=now,
        request=request,
        problems=problems,
    )


@transaction.atomic
def referral_note_convening(
    *,
    referral: Referral,
    convening: bool,
    by: Professional,
    request: HttpRequest | None = None,
) -> Referral:
    """A discussion was arranged (``convening``), or the last live one was cancelled."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    wanted = Referral.Status.CONVENING if convening else Referral.Status.TRIAGED
    if referral.status not in {Referral.Status.TRIAGED, Referral.Status.CONVENING}:
        raise Conflict("Only a referral whose pathway is a strategy discussion is convened")
    if referral.status != wanted:
        referral.status = wanted
        _save(referral, by, ["status"])
        _audit(
            referral,
            action=Action.CHANGE,
            summary=f"Status now ‘{referral.get_status_display()}’",
            by=by,
            request=request,
        )
    return referral


@transaction.atomic
def referral_close(
    *,
    referral: Referral,
    reason: str,
    by: Professional,
    now: datetime,
    request: HttpRequest | None = None,
) -> Referral:
    """The strategy discussion is no longer needed: close, and waive the convene clock with why."""
    if not may_decide_and_convene(user=by):
        raise NotAllowed("Only a social care manager closes a referral")
    if not reason.strip():
        raise Invalid(
            "Enter the reason the strategy discussion is no longer needed", field="reason"
        )
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in {Referral.Status.TRIAGED, Referral.Status.CONVENING}:
        raise Conflict("Only a referral waiting to be convened can be closed this way")
    clock_rescind(subject=referral, reason=reason.strip(), at=now, by=by)
    referral.status = Referral.Status.CLOSED
    referral.closed_reason = reason.strip()
    _save(referral, by, ["status", "closed_reason"])
    _audit(
        referral,
        action=Action.CHANGE,
        summary="Closed: the strategy discussion is no longer needed",
        by=by,
        request=request,
    )
    return referral
