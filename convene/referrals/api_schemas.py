"""The referral API's request and response bodies, and how a referral is written out.

``api.py`` holds the routes; these schemas are its contract (OpenAPI at /api/docs).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema

from convene.core.api import (
    BodyId,
    Version,
)
from convene.core.limits import NOTE_MAX, TEXT_MAX
from convene.people.models import Child, Sex
from convene.people.vocab import ConcernCategory, ExploitationRating, LegalStatus
from convene.policy.vocab import Pathway
from convene.referrals.models import Referral
from convene.referrals.selectors import (
    referral_children,
    referral_convene_clock,
    referral_triage_clock,
)
from convene.referrals.services import (
    AGENCIES_KEY_MAX,
)

# Lists a client sends are bounded: the ids are looked up in one query each.
CHILDREN_MAX = 50
NAMED_MAX = 50


def _max(model: type[Any], name: str) -> int:
    """The column's length: the schema refuses longer text (422) before the database would."""
    length = model._meta.get_field(name).max_length
    assert isinstance(length, int)
    return length


class ReferrerIn(Schema):
    name: str = Field(max_length=_max(Referral, "referrer_name"))
    agency_id: BodyId | None = Field(None, description="A partner agency of the partnership")
    organisation: str = Field(
        "",
        max_length=_max(Referral, "referrer_organisation"),
        description="When not a partner agency, e.g. Member of the public",
    )
    role: str = Field("", max_length=_max(Referral, "referrer_role"))
    email: str = Field("", max_length=_max(Referral, "referrer_email"))
    phone: str = Field("", max_length=_max(Referral, "referrer_phone"))


class FactsIn(Schema):
    significant_harm_suspected: bool
    immediate_risk: bool = False
    in_hospital: bool = False
    medical_needed: bool = False
    forensic_evidence_needed: bool = False
    complex_concerns: bool = False
    ongoing_risk: bool = False
    exploitation_rating: ExploitationRating = ExploitationRating.NOT_SCREENED
    agencies_key_to_planning: int = Field(0, ge=0, le=AGENCIES_KEY_MAX)
    review_requested: bool = False
    new_information: bool = False


class NewChildIn(Schema):
    last_name: str = Field(max_length=_max(Child, "last_name"))
    first_name: str = Field("", max_length=_max(Child, "first_name"))
    date_of_birth: date | None = Field(None, description="Give this or the expected date")
    expected_date_of_delivery: date | None = Field(None, description="For an unborn child")
    sex: str = Field(
        Sex.UNKNOWN.value,
        max_length=_max(Child, "sex"),
        description="female, male, indeterminate or unknown",
    )
    nhs_number: str = Field("", max_length=20, description="10 digits; spaces are ignored")
    legal_status: LegalStatus = LegalStatus.NONE
    setting_id: BodyId | None = None


class ReferralIn(Schema):
    partnership_id: BodyId | None = Field(None, description="Defaults to your partnership")
    received_at: datetime = Field(description="With a time zone; in the past")
    how_received: str = Field(
        max_length=20, description="phone, email, online_form, in_person, letter, other"
    )
    referrer: ReferrerIn
    account: str = Field(max_length=TEXT_MAX, description="What happened, in the referrer's words")
    triage_conversation: str = Field("", max_length=TEXT_MAX)
    categories: list[ConcernCategory] = Field(max_length=len(ConcernCategory))
    facts: FactsIn
    child_ids: list[BodyId] = Field(
        default_factory=list, max_length=CHILDREN_MAX, description="Children already on record"
    )
    new_children: list[NewChildIn] = Field(default_factory=list, max_length=CHILDREN_MAX)
    named_people_ids: list[BodyId] = Field(
        default_factory=list,
        max_length=NAMED_MAX,
        description="Who may see a restricted record (R004.2)",
    )


class ReferralChildOut(Schema):
    id: int
    name: str
    date_of_birth: date | None
    expected_date_of_delivery: date | None
    nhs_number: str
    legal_status: str


class ReferrerOut(Schema):
    name: str
    agency_id: int | None
    organisation: str
    role: str
    email: str
    phone: str


class TriageOut(Schema):
    policy_id: str
    policy_version: str
    policy_digest: str
    recommended_pathway: str | None
    recommended_rule_id: str | None
    recommended_due_at: datetime | None
    decision: str | None
    chosen_pathway: str | None
    override_reason: str
    decided_by: str | None
    decided_at: datetime | None
    convene_by: datetime | None
    convene_clock_state: str | None
    triage_by: datetime | None = Field(
        description="The triage clock: a concern not urgent enough to be on its convene clock "
        "from receipt waits no longer than this for the pathway decision (R002.2)"
    )
    triage_clock_state: str | None
    explanation: dict[str, Any] | None = Field(
        description="What the policy engine said and why: pathway, deadlines, rules, citations"
    )


class ReferralOut(Schema):
    id: int
    reference: str
    partnership_id: int
    status: str
    version: int
    received_at: datetime
    how_received: str
    referrer: ReferrerOut
    account: str
    triage_conversation: str
    categories: list[str]
    facts: dict[str, Any]
    restricted: bool
    children: list[ReferralChildOut]
    triage: TriageOut


class ReferralSummaryOut(Schema):
    id: int
    reference: str
    status: str
    received_at: datetime
    categories: list[str]
    recommended_pathway: str | None
    chosen_pathway: str | None
    version: int


REASONS_DESCRIPTION = (
    "Answers to the reasons the policy asks before the pathway is decided, by rule id "
    "(the explanation's reasons_asked), e.g. R000.1 for someone 18 or older, R004.7 for an "
    "unscreened CSE or CCE concern in Halton"
)
Reasons = dict[Annotated[str, Field(max_length=120)], Annotated[str, Field(max_length=NOTE_MAX)]]


class AcceptIn(Schema):
    expected_version: Version = Field(description="The version you read: refused if changed")
    reasons: Reasons = Field(default_factory=dict, description=REASONS_DESCRIPTION, max_length=10)


class OverrideIn(Schema):
    pathway: Pathway
    reason: str = Field(max_length=NOTE_MAX)
    expected_version: Version
    reasons: Reasons = Field(default_factory=dict, description=REASONS_DESCRIPTION, max_length=10)


FACT_FIELDS = tuple(FactsIn.model_fields)


def triage_out(referral: Referral) -> TriageOut:
    clock = referral_convene_clock(referral=referral)
    triage = referral_triage_clock(referral=referral)
    return TriageOut(
        policy_id=referral.policy_id,
        policy_version=referral.policy_version,
        policy_digest=referral.policy_digest,
        recommended_pathway=referral.recommended_pathway or None,
        recommended_rule_id=referral.recommended_rule_id or None,
        recommended_due_at=referral.recommended_due_at,
        decision=referral.decision or None,
        chosen_pathway=referral.chosen_pathway or None,
        override_reason=referral.override_reason,
        decided_by=str(referral.decided_by) if referral.decided_by else None,
        decided_at=referral.decided_at,
        convene_by=clock.due_at if clock else None,
        convene_clock_state=clock.state if clock else None,
        triage_by=triage.due_at if triage else None,
        triage_clock_state=triage.state if triage else None,
        explanation=referral.explanation,
    )


def referral_out(referral: Referral) -> ReferralOut:
    return ReferralOut(
        id=referral.pk,
        reference=referral.reference,
        partnership_id=referral.partnership_id,
        status=referral.status,
        version=referral.version,
        received_at=referral.received_at,
        how_received=referral.how_received,
        referrer=ReferrerOut(
            name=referral.referrer_name,
            agency_id=referral.referrer_agency_id,
            organisation=referral.referrer_organisation_name,
            role=referral.referrer_role,
            email=referral.referrer_email,
            phone=referral.referrer_phone,
        ),
        account=referral.account,
        triage_conversation=referral.triage_conversation,
        categories=list(referral.categories),
        facts={name: getattr(referral, name) for name in FACT_FIELDS},
        restricted=referral.restricted,
        children=[
            ReferralChildOut(
                id=child.pk,
                name=child.full_name,
                date_of_birth=child.date_of_birth,
                expected_date_of_delivery=child.expected_date_of_delivery,
                nhs_number=child.nhs_number,
                legal_status=child.legal_status,
            )
            for child in referral_children(referral=referral)
        ],
        triage=triage_out(referral),
    )
