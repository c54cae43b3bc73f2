"""What the referral services share: the specs they take, the checks, the audit and triage steps."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.core.errors import (
    Invalid,
    NotAllowed,
)
from convene.core.versions import locked_at_version
from convene.people.models import Agency, Child, Partnership, Professional, Sex
from convene.people.selectors import partnerships_of
from convene.people.vocab import ConcernCategory, ExploitationRating, LegalStatus
from convene.policy.explain_text import explanation_to_dict
from convene.policy.explanation import Explanation, explain
from convene.policy.loader import load_pack
from convene.policy.pack import PolicyPack
from convene.policy.vocab import ClockKind
from convene.referrals.auditing import audit_referral
from convene.referrals.models import (
    Referral,
)
from convene.referrals.policy import case_facts
from convene.referrals.selectors import (
    referral_children,
    restricted_record_readers,
)


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
    context: AuditContext | None,
) -> None:
    """One audit entry per child on the referral, in the caller's transaction."""
    audit_referral(
        referral,
        action=action,
        summary=f"{summary} (referral {referral.reference})",
        by=by,
        context=context,
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
    return locked_at_version(referral, expected_version=expected_version, now=now, noun="referral")


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
