"""REST API for referrals (django-ninja Router): record, read, triage result, accept, override.

Calls the same services as the pages; mounted on the project API (see
docs/referrals-and-convening.md). Every route acts as the authenticated user.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, P, QueryEx, Router, Schema, Status

from convene.audit.models import Action
from convene.audit.services import audit_record, audit_record_children
from convene.core.api import (
    AUTH_ERRORS,
    ERRORS,
    READ_ERRORS,
    BodyId,
    Cursor,
    PathId,
    Version,
    acting_user,
    answer,
    error,
    link_next,
)
from convene.core.errors import Invalid
from convene.core.limits import NOTE_MAX, TEXT_MAX
from convene.people.models import Agency, Child, Partnership, Professional, Sex
from convene.people.selectors import (
    children_visible_to,
    partnerships_of,
    professionals_visible_to,
)
from convene.people.vocab import ConcernCategory, ExploitationRating, LegalStatus
from convene.policy.vocab import Pathway
from convene.referrals.models import Referral, ReferralStatus
from convene.referrals.selectors import (
    referral_children,
    referral_convene_clock,
    referral_triage_clock,
    referrals_visible_to,
)
from convene.referrals.services import (
    AGENCIES_KEY_MAX,
    NewChild,
    Referrer,
    RiskFacts,
    referral_accept,
    referral_create,
    referral_override,
)

router = Router(tags=["referrals"])

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


def _one(model: type[Any], pk: int | None, what: str, queryset: Any = None) -> Any:
    if pk is None:
        return None
    found = (queryset if queryset is not None else model.objects).filter(pk=pk).first()
    if found is None:
        raise Invalid(f"Unknown {what} {pk}", field=what.replace(" ", "_"))
    return found


def _partnership(user: Professional, partnership_id: int | None) -> Partnership:
    mine = partnerships_of(user=user).order_by("name")
    found = mine.filter(pk=partnership_id).first() if partnership_id else mine.first()
    if found is None:
        raise Invalid("Unknown partnership, or not yours", field="partnership_id")
    return found


def _create(payload: ReferralIn, user: Professional, request: HttpRequest) -> ReferralOut:
    partnership = _partnership(user, payload.partnership_id)
    visible = children_visible_to(user=user)
    by_id = {c.pk: c for c in visible.filter(pk__in=payload.child_ids)}
    for child_id in payload.child_ids:
        if child_id not in by_id:
            raise Invalid(f"Unknown child {child_id}", field="children")
    children: list[Child] = [by_id[child_id] for child_id in payload.child_ids]
    new_children = [
        NewChild(
            last_name=spec.last_name,
            first_name=spec.first_name,
            date_of_birth=spec.date_of_birth,
            expected_date_of_delivery=spec.expected_date_of_delivery,
            sex=spec.sex,
            nhs_number=spec.nhs_number,
            legal_status=spec.legal_status,
            setting=_one(Agency, spec.setting_id, "setting"),
        )
        for spec in payload.new_children
    ]
    staff = professionals_visible_to(user=user)  # anyone else is unknown, never named
    named = [_one(Professional, pk, "named person", staff) for pk in payload.named_people_ids]
    referral = referral_create(
        partnership=partnership,
        received_at=payload.received_at,
        how_received=payload.how_received,
        referrer=Referrer(
            agency=_one(Agency, payload.referrer.agency_id, "referrer agency"),
            organisation=payload.referrer.organisation,
            name=payload.referrer.name,
            role=payload.referrer.role,
            email=payload.referrer.email,
            phone=payload.referrer.phone,
        ),
        account=payload.account,
        triage_conversation=payload.triage_conversation,
        categories=[c.value for c in payload.categories],
        facts=RiskFacts(**payload.facts.model_dump()),
        children=children,
        new_children=new_children,
        named_people=named,
        by=user,
        now=timezone.now(),
        request=request,
    )
    return referral_out(referral)


@router.post("", response={201: ReferralOut, **ERRORS}, summary="Record a referral")
def create_referral(request: HttpRequest, payload: ReferralIn) -> Status[Any]:
    """Record a concern about one or more children; the answer carries the policy's
    recommended pathway and convene-by deadline, with the explanation."""
    user = acting_user(request)
    return answer(201, lambda: _create(payload, user, request))


@router.get("", response={200: list[ReferralSummaryOut], **AUTH_ERRORS}, summary="List referrals")
def list_referrals(
    request: HttpRequest,
    response: HttpResponse,
    status: ReferralStatus | None = None,
    limit: QueryEx[int, P(ge=1, le=500)] = 100,
    before: Cursor = None,
) -> list[ReferralSummaryOut]:
    """The referrals you may see, newest first, ``limit`` (at most 500) a page; the next page
    is ``?before=<id of the last one>``, also given as the ``Link: <…>; rel="next"`` header
    when there may be more. One audit entry for the list."""
    user = acting_user(request)
    visible = referrals_visible_to(user=user)
    referrals = visible.defer("explanation").order_by("-received_at", "-pk")
    if status:
        referrals = referrals.filter(status=status.value)
    if before is not None:
        start = visible.filter(pk=before).values_list("received_at", flat=True).first()
        if start is not None:  # keyset: strictly after the cursor's row, in list order
            referrals = referrals.filter(
                Q(received_at__lt=start) | Q(received_at=start, pk__lt=before)
            )
    found = list(referrals[:limit])
    link_next(request, response, rows=found, limit=limit, status=status.value if status else "")
    audit_record(
        actor=user,
        action=Action.SEARCH,
        summary=f"Listed referrals ({f'status {status.value}' if status else 'any status'}): "
        f"{len(found)} shown",
        request=request,
    )
    return [
        ReferralSummaryOut(
            id=r.pk,
            reference=r.reference,
            status=r.status,
            received_at=r.received_at,
            categories=list(r.categories),
            recommended_pathway=r.recommended_pathway or None,
            chosen_pathway=r.chosen_pathway or None,
            version=r.version,
        )
        for r in found
    ]


def _visible(request: HttpRequest, referral_id: int) -> tuple[Professional, Referral | None]:
    user = acting_user(request)
    referral = (
        referrals_visible_to(user=user)
        .select_related("referrer_agency", "decided_by")
        .filter(pk=referral_id)
        .first()
    )
    return user, referral


def _audit_read(request: HttpRequest, user: Professional, referral: Referral, what: str) -> None:
    audit_record_children(
        actor=user,
        action=Action.VIEW,
        obj=referral,
        children=referral_children(referral=referral),
        summary=f"Viewed {what} of referral {referral.reference}",
        request=request,
    )


NOT_FOUND = "Referral not found"


@router.get("/{referral_id}", response={200: ReferralOut, **READ_ERRORS}, summary="Read a referral")
def read_referral(request: HttpRequest, referral_id: PathId) -> Status[Any]:
    user, referral = _visible(request, referral_id)
    if referral is None:
        return error(404, NOT_FOUND)
    _audit_read(request, user, referral, "the record")
    return Status(200, referral_out(referral))


@router.get(
    "/{referral_id}/triage",
    response={200: TriageOut, **READ_ERRORS},
    summary="The triage result with its explanation",
)
def read_triage(request: HttpRequest, referral_id: PathId) -> Status[Any]:
    user, referral = _visible(request, referral_id)
    if referral is None:
        return error(404, NOT_FOUND)
    _audit_read(request, user, referral, "the triage")
    return Status(200, triage_out(referral))


@router.post(
    "/{referral_id}/accept",
    response={200: ReferralOut, **ERRORS},
    summary="Accept the recommended pathway (starts the convene-by clock)",
)
def accept(request: HttpRequest, referral_id: PathId, payload: AcceptIn) -> Status[Any]:
    user, referral = _visible(request, referral_id)
    if referral is None:
        return error(404, NOT_FOUND)
    found = referral
    return answer(
        200,
        lambda: referral_out(
            referral_accept(
                referral=found,
                by=user,
                now=timezone.now(),
                expected_version=payload.expected_version,
                reasons=payload.reasons,
                request=request,
            )
        ),
    )


@router.post(
    "/{referral_id}/override",
    response={200: ReferralOut, **ERRORS},
    summary="Choose another pathway, with the reason",
)
def override(request: HttpRequest, referral_id: PathId, payload: OverrideIn) -> Status[Any]:
    user, referral = _visible(request, referral_id)
    if referral is None:
        return error(404, NOT_FOUND)
    found = referral
    return answer(
        200,
        lambda: referral_out(
            referral_override(
                referral=found,
                pathway=payload.pathway.value,
                reason=payload.reason,
                by=user,
                now=timezone.now(),
                expected_version=payload.expected_version,
                reasons=payload.reasons,
                request=request,
            )
        ),
    )
