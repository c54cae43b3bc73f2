"""REST API for referrals (django-ninja Router): record, read, triage result, accept, override.

Calls the same services as the pages; mounted on the project API (see
docs/referrals-and-convening.md). Every route acts as the authenticated user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.core.api import (
    AUTH_ERRORS,
    ERRORS,
    READ_ERRORS,
    Cursor,
    Limit500,
    PathId,
    acted,
    acting_user,
    answer,
    error,
    link_next,
    visible_one,
)
from convene.core.errors import Invalid
from convene.people.models import Agency, Child, Partnership, Professional
from convene.people.selectors import (
    children_visible_to,
    partnerships_of,
    professionals_visible_to,
)
from convene.referrals.api_schemas import (
    AcceptIn,
    OverrideIn,
    ReferralIn,
    ReferralOut,
    ReferralSummaryOut,
    TriageOut,
    referral_out,
    triage_out,
)
from convene.referrals.auditing import audit_referral_viewed
from convene.referrals.models import Referral, ReferralStatus
from convene.referrals.selectors import (
    referrals_visible_to,
)
from convene.referrals.services import (
    NewChild,
    Referrer,
    RiskFacts,
    referral_accept,
    referral_create,
    referral_override,
)

router = Router(tags=["referrals"])


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
    context = AuditContext.from_request(request)
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
        context=context,
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
    limit: Limit500 = 100,
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
    context = AuditContext.from_request(request)
    audit_record(
        actor=user,
        action=Action.SEARCH,
        summary=f"Listed referrals ({f'status {status.value}' if status else 'any status'}): "
        f"{len(found)} shown",
        context=context,
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
    return visible_one(request, referrals_visible_to, referral_id, "referrer_agency", "decided_by")


def _audit_read(request: HttpRequest, user: Professional, referral: Referral, what: str) -> None:
    summary = f"Viewed {what} of referral {referral.reference}"
    context = AuditContext.from_request(request)
    audit_referral_viewed(referral, summary=summary, by=user, context=context)


NOT_FOUND = "Referral not found"


def _read(
    request: HttpRequest, referral_id: int, what: str, out: Callable[[Referral], Schema]
) -> Status[Any]:
    """``out`` of the referral the caller sees (404 otherwise), the look audited."""
    user, referral = _visible(request, referral_id)
    if referral is None:
        return error(404, NOT_FOUND)
    _audit_read(request, user, referral, what)
    return Status(200, out(referral))


def _decide(
    request: HttpRequest, referral_id: int, service: Callable[..., Referral], **arguments: Any
) -> Status[Any]:
    """``service`` on the referral the caller sees, now, with the request's audit context."""
    context = AuditContext.from_request(request)
    return acted(
        _visible(request, referral_id),
        NOT_FOUND,
        lambda user, found: referral_out(
            service(referral=found, by=user, now=timezone.now(), context=context, **arguments)
        ),
    )


@router.get("/{referral_id}", response={200: ReferralOut, **READ_ERRORS}, summary="Read a referral")
def read_referral(request: HttpRequest, referral_id: PathId) -> Status[Any]:
    return _read(request, referral_id, "the record", referral_out)


@router.get(
    "/{referral_id}/triage",
    response={200: TriageOut, **READ_ERRORS},
    summary="The triage result with its explanation",
)
def read_triage(request: HttpRequest, referral_id: PathId) -> Status[Any]:
    return _read(request, referral_id, "the triage", triage_out)


@router.post(
    "/{referral_id}/accept",
    response={200: ReferralOut, **ERRORS},
    summary="Accept the recommended pathway (starts the convene-by clock)",
)
def accept(request: HttpRequest, referral_id: PathId, payload: AcceptIn) -> Status[Any]:
    return _decide(
        request,
        referral_id,
        referral_accept,
        expected_version=payload.expected_version,
        reasons=payload.reasons,
    )


@router.post(
    "/{referral_id}/override",
    response={200: ReferralOut, **ERRORS},
    summary="Choose another pathway, with the reason",
)
def override(request: HttpRequest, referral_id: PathId, payload: OverrideIn) -> Status[Any]:
    return _decide(
        request,
        referral_id,
        referral_override,
        pathway=payload.pathway.value,
        reason=payload.reason,
        expected_version=payload.expected_version,
        reasons=payload.reasons,
    )
