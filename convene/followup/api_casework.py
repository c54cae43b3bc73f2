"""S47 enquiries and initial child protection conferences through the API: start the
enquiries a record decided, record the visit and the outcome; read an ICPC, confirm it
with the Head of Service, set its date, record it held and its outcome for each child.

Mounted inside the follow-through router (``convene/followup/api.py``), so under
``/api/followup/``. Each operation makes its page's checks (``convene/followup/views``)
before calling the same service, which checks the rules again, writes in one
transaction and makes the audit entry: what the caller may not see answers 404; what
they see but may not change, 403 with the reason; a refusal of the rules, the service's
status and message, with nothing written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.core.api import (
    ERRORS,
    READ_ERRORS,
    BodyId,
    PathId,
    Version,
    acted,
    acting_user,
    answer,
    error,
)
from convene.core.errors import Invalid
from convene.core.limits import NOTE_MAX
from convene.followup import selectors, services
from convene.followup.models import Icpc, S47Enquiry
from convene.followup.vocab import S47Outcome
from convene.people.models import Partnership, Professional

router = Router(tags=["follow-through"])

ENQUIRY_NOT_FOUND = "S47 enquiry not found"
ICPC_NOT_FOUND = "Conference not found"
PEOPLE_MAX = 20


class StartedOut(Schema):
    enquiry_ids: list[int]


class VisitIn(Schema):
    visited_at: datetime
    visitor_ids: list[BodyId] = Field(max_length=PEOPLE_MAX, description="Who went")
    seen_alone: bool
    not_seen_alone_reason: str = Field("", max_length=NOTE_MAX)
    notes: str = Field("", max_length=NOTE_MAX)
    expected_version: Version | None = None


class OutcomeIn(Schema):
    outcome: S47Outcome
    reasons: str = Field(max_length=NOTE_MAX)
    other_service: str = Field("", max_length=300)
    expected_version: Version | None = None


class EnquiryStateOut(Schema):
    id: int
    reference: str
    state: str
    outcome: str
    route: str
    icpc_id: int | None
    version: int


class ChildPlan(Schema):
    enquiry_id: BodyId
    cp_plan: bool = Field(description="The conference put this child on a child protection plan")


class IcpcOut(Schema):
    id: int
    reference: str
    state: str
    discussion_id: int
    requested_at: datetime
    confirmed_at: datetime | None
    conference_at: datetime | None
    venue: str
    held_at: datetime | None
    enquiry_ids: list[int]
    outcomes: list[ChildPlan] = Field(description="Each child's outcome, once recorded")
    version: int = Field(description="Send it back as expected_version")


class IcpcConfirmIn(Schema):
    note: str = Field("", max_length=NOTE_MAX)
    expected_version: Version | None = None


class IcpcDateIn(Schema):
    conference_at: datetime
    venue: str = Field(max_length=300)
    late_reason: str = Field("", max_length=NOTE_MAX, description="When after it was due")
    expected_version: Version | None = None


class IcpcHeldIn(Schema):
    held_at: datetime
    expected_version: Version | None = None


class IcpcOutcomeIn(Schema):
    plans: list[ChildPlan] = Field(max_length=PEOPLE_MAX, description="One per child")
    expected_version: Version | None = None


def people_of(partnership: Partnership, ids: list[int], what: str) -> list[Professional]:
    """The partnership's professionals by id (one query); anyone else is unknown, not named."""
    found = {
        p.pk: p
        for p in selectors.partnership_professionals(partnership=partnership).filter(pk__in=ids)
    }
    for pk in ids:
        if pk not in found:
            raise Invalid(f"Unknown {what} {pk}: choose someone of the partnership", field=what)
    return [found[pk] for pk in ids]


def _enquiry_out(enquiry: S47Enquiry) -> EnquiryStateOut:
    return EnquiryStateOut(
        id=enquiry.pk,
        reference=enquiry.reference,
        state=enquiry.state,
        outcome=enquiry.outcome,
        route=enquiry.route,
        icpc_id=enquiry.icpc_id,
        version=enquiry.version,
    )


def _enquiry(request: HttpRequest, enquiry_id: int) -> tuple[Professional, S47Enquiry | None]:
    user = acting_user(request)
    found = (
        selectors.s47_enquiries_visible_to(user=user)
        .select_related("child", "partnership", "discussion")
        .filter(pk=enquiry_id)
        .first()
    )
    return user, found


def _worker_refusal(user: Professional, enquiry: S47Enquiry) -> Status[Any] | None:
    if not selectors.works_cases(user=user, partnership=enquiry.partnership_id):
        return error(403, "Only children's social care carries out S47 enquiries")
    return None


@router.post(
    "/discussions/{discussion_id}/s47",
    response={200: StartedOut, 201: StartedOut, **ERRORS},
    operation_id="s47_start",
    summary="The S47 enquiries the discussion's authorised record decided",
    description=(
        "Enquiries start when the record deciding them is authorised, so this is idempotent: "
        "200 with the discussion's enquiries already started; 201 only where an S47 decision "
        "authorised before that had none, starting them now."
    ),
)
def s47_start(request: HttpRequest, discussion_id: PathId) -> Status[Any]:
    user = acting_user(request)
    version = (
        selectors.s47_decisions_to_start(user=user).filter(record__discussion_id=discussion_id)
    ).first()
    if version is None:
        started = list(
            selectors.s47_enquiries_visible_to(user=user)
            .filter(discussion_id=discussion_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not started:
            return error(404, "No S47 decision for that discussion")
        return Status(200, StartedOut(enquiry_ids=started))
    return answer(
        201,
        lambda: StartedOut(
            enquiry_ids=[
                e.pk
                for e in services.s47_enquiries_start(version=version, by=user, now=timezone.now())
            ]
        ),
    )


@router.post(
    "/s47/{enquiry_id}/visit",
    response={200: EnquiryStateOut, **ERRORS},
    operation_id="s47_visit",
    summary="Record the visit (R003.8)",
)
def s47_visit(request: HttpRequest, enquiry_id: PathId, payload: VisitIn) -> Status[Any]:
    return acted(
        _enquiry(request, enquiry_id),
        ENQUIRY_NOT_FOUND,
        lambda user, found: _enquiry_out(
            services.s47_visit_record(
                enquiry=found,
                visited_at=payload.visited_at,
                visitors=people_of(found.partnership, payload.visitor_ids, "visitor_ids"),
                seen_alone=payload.seen_alone,
                not_seen_alone_reason=payload.not_seen_alone_reason,
                notes=payload.notes,
                by=user,
                now=timezone.now(),
                expected_version=payload.expected_version,
            )
        ),
        refusal=_worker_refusal,
    )


@router.post(
    "/s47/{enquiry_id}/outcome",
    response={200: EnquiryStateOut, **ERRORS},
    operation_id="s47_outcome",
    summary="Record the outcome (R003.9): significant harm requests an ICPC (R000.2)",
)
def s47_outcome(request: HttpRequest, enquiry_id: PathId, payload: OutcomeIn) -> Status[Any]:
    return acted(
        _enquiry(request, enquiry_id),
        ENQUIRY_NOT_FOUND,
        lambda user, found: _enquiry_out(
            services.s47_outcome_record(
                enquiry=found,
                outcome=payload.outcome.value,
                reasons=payload.reasons,
                other_service=payload.other_service,
                by=user,
                now=timezone.now(),
                expected_version=payload.expected_version,
            )
        ),
        refusal=_worker_refusal,
    )


# --- the initial child protection conference ------------------------------------------------


def _icpc(request: HttpRequest, icpc_id: int) -> tuple[Professional, Icpc | None]:
    user = acting_user(request)
    return user, selectors.icpcs_visible_to(user=user).filter(pk=icpc_id).first()


def icpc_out(icpc: Icpc) -> IcpcOut:
    icpc.refresh_from_db()
    return IcpcOut(
        id=icpc.pk,
        reference=icpc.reference,
        state=icpc.state,
        discussion_id=icpc.discussion_id,
        requested_at=icpc.requested_at,
        confirmed_at=icpc.confirmed_at,
        conference_at=icpc.conference_at,
        venue=icpc.venue,
        held_at=icpc.held_at,
        enquiry_ids=sorted(icpc.enquiries.values_list("pk", flat=True)),
        outcomes=[
            ChildPlan(enquiry_id=e.pk, cp_plan=e.cp_plan)
            for e in icpc.enquiries.order_by("pk")
            if e.cp_plan is not None
        ],
        version=icpc.version,
    )


@router.get(
    "/icpc/{icpc_id}",
    response={200: IcpcOut, **READ_ERRORS},
    operation_id="icpc_read",
    summary="Read an initial child protection conference",
)
def icpc_read(request: HttpRequest, icpc_id: PathId) -> Status[Any]:
    user, icpc = _icpc(request, icpc_id)
    if icpc is None:
        return error(404, ICPC_NOT_FOUND)
    audit_record_children(
        actor=user,
        action=AuditAction.VIEW,
        obj=icpc,
        children=[e.child for e in icpc.enquiries.select_related("child")],
        summary=f"Viewed initial child protection conference {icpc.reference}",
        request=request,
    )
    return Status(200, icpc_out(icpc))


def _arranger_refusal(user: Professional, icpc: Icpc) -> Status[Any] | None:
    if not selectors.arranges_conference(user=user, partnership=icpc.partnership_id):
        return error(
            403, "Only the Reviewing Service or children's social care arranges the conference"
        )
    return None


def _head_refusal(user: Professional, icpc: Icpc) -> Status[Any] | None:
    if not selectors.is_head_of_service(user=user, partnership=icpc.partnership_id):
        return error(403, "Only the Head of Service confirms an ICPC")
    return None


@router.post(
    "/icpc/{icpc_id}/confirm",
    response={200: IcpcOut, **ERRORS},
    operation_id="icpc_confirm",
    summary="As the Head of Service: confirm the conference goes ahead",
)
def icpc_confirm(request: HttpRequest, icpc_id: PathId, payload: IcpcConfirmIn) -> Status[Any]:
    return acted(
        _icpc(request, icpc_id),
        ICPC_NOT_FOUND,
        lambda user, found: icpc_out(
            services.icpc_confirm(
                icpc=found,
                note=payload.note,
                by=user,
                now=timezone.now(),
                expected_version=payload.expected_version,
            )
        ),
        refusal=_head_refusal,
    )


@router.post(
    "/icpc/{icpc_id}/date",
    response={200: IcpcOut, **ERRORS},
    operation_id="icpc_set_date",
    summary="Set the date and venue of the conference",
)
def icpc_set_date(request: HttpRequest, icpc_id: PathId, payload: IcpcDateIn) -> Status[Any]:
    return acted(
        _icpc(request, icpc_id),
        ICPC_NOT_FOUND,
        lambda user, found: icpc_out(
            services.icpc_set_date(
                icpc=found,
                conference_at=payload.conference_at,
                venue=payload.venue,
                late_reason=payload.late_reason,
                by=user,
                now=timezone.now(),
                expected_version=payload.expected_version,
            )
        ),
        refusal=_arranger_refusal,
    )


@router.post(
    "/icpc/{icpc_id}/held",
    response={200: IcpcOut, **ERRORS},
    operation_id="icpc_held",
    summary="Record the conference as held (meets its clock)",
)
def icpc_held(request: HttpRequest, icpc_id: PathId, payload: IcpcHeldIn) -> Status[Any]:
    return acted(
        _icpc(request, icpc_id),
        ICPC_NOT_FOUND,
        lambda user, found: icpc_out(
            services.icpc_held(
                icpc=found,
                held_at=payload.held_at,
                by=user,
                now=timezone.now(),
                expected_version=payload.expected_version,
            )
        ),
        refusal=_arranger_refusal,
    )


@router.post(
    "/icpc/{icpc_id}/outcome",
    response={200: IcpcOut, **ERRORS},
    operation_id="icpc_outcome",
    summary="Record the held conference's outcome: each child on a child protection plan or not",
)
def icpc_outcome(request: HttpRequest, icpc_id: PathId, payload: IcpcOutcomeIn) -> Status[Any]:
    return acted(
        _icpc(request, icpc_id),
        ICPC_NOT_FOUND,
        lambda user, found: icpc_out(
            services.icpc_outcome_record(
                icpc=found,
                plans={p.enquiry_id: p.cp_plan for p in payload.plans},
                by=user,
                now=timezone.now(),
                expected_version=payload.expected_version,
            )
        ),
        refusal=_arranger_refusal,
    )
