"""Initial child protection conferences through the API: read one, confirm it with the Head of
Service, set its date and record it held.

Mounted inside the follow-through's router (``convene/followup/routers.py``), so under
``/api/followup/``. As for S47 enquiries (``convene/followup/enquiries/api.py``): the page's
checks, then the same service; 404 for what the caller may not see, 403 with the reason for
what they see but may not change, the service's refusal otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from convene.audit.context import AuditContext
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
    error,
)
from convene.core.limits import NOTE_MAX
from convene.followup.conferences import services
from convene.followup.conferences.selectors import icpcs_visible_to
from convene.followup.enquiries.api import PEOPLE_MAX
from convene.followup.models import Icpc
from convene.followup.roles import arranges_conference, is_head_of_service
from convene.people.models import Professional

router = Router(tags=["follow-through"])

ICPC_NOT_FOUND = "Conference not found"


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


def _icpc(request: HttpRequest, icpc_id: int) -> tuple[Professional, Icpc | None]:
    user = acting_user(request)
    return user, icpcs_visible_to(user=user).filter(pk=icpc_id).first()


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
        context=AuditContext.from_request(request),
    )
    return Status(200, icpc_out(icpc))


def _arranger_refusal(user: Professional, icpc: Icpc) -> Status[Any] | None:
    if not arranges_conference(user=user, partnership=icpc.partnership_id):
        return error(
            403, "Only the Reviewing Service or children's social care arranges the conference"
        )
    return None


def _head_refusal(user: Professional, icpc: Icpc) -> Status[Any] | None:
    if not is_head_of_service(user=user, partnership=icpc.partnership_id):
        return error(403, "Only the Head of Service confirms an ICPC")
    return None


def _changed(
    request: HttpRequest,
    icpc_id: int,
    arguments: dict[str, Any],
    change: Callable[..., Icpc],
    refusal: Callable[[Professional, Icpc], Status[Any] | None],
) -> Status[Any]:
    """Make one change to the conference: ``arguments`` (most often the payload's fields, named
    as the service's) with the caller, the time and the conference found."""
    return acted(
        _icpc(request, icpc_id),
        ICPC_NOT_FOUND,
        lambda user, found: icpc_out(change(icpc=found, by=user, now=timezone.now(), **arguments)),
        refusal=refusal,
    )


@router.post(
    "/icpc/{icpc_id}/confirm",
    response={200: IcpcOut, **ERRORS},
    operation_id="icpc_confirm",
    summary="As the Head of Service: confirm the conference goes ahead",
)
def icpc_confirm(request: HttpRequest, icpc_id: PathId, payload: IcpcConfirmIn) -> Status[Any]:
    return _changed(request, icpc_id, payload.model_dump(), services.icpc_confirm, _head_refusal)


@router.post(
    "/icpc/{icpc_id}/date",
    response={200: IcpcOut, **ERRORS},
    operation_id="icpc_set_date",
    summary="Set the date and venue of the conference",
)
def icpc_set_date(request: HttpRequest, icpc_id: PathId, payload: IcpcDateIn) -> Status[Any]:
    return _changed(
        request, icpc_id, payload.model_dump(), services.icpc_set_date, _arranger_refusal
    )


@router.post(
    "/icpc/{icpc_id}/held",
    response={200: IcpcOut, **ERRORS},
    operation_id="icpc_held",
    summary="Record the conference as held (meets its clock)",
)
def icpc_held(request: HttpRequest, icpc_id: PathId, payload: IcpcHeldIn) -> Status[Any]:
    return _changed(request, icpc_id, payload.model_dump(), services.icpc_held, _arranger_refusal)


@router.post(
    "/icpc/{icpc_id}/outcome",
    response={200: IcpcOut, **ERRORS},
    operation_id="icpc_outcome",
    summary="Record the held conference's outcome: each child on a child protection plan or not",
)
def icpc_outcome(request: HttpRequest, icpc_id: PathId, payload: IcpcOutcomeIn) -> Status[Any]:
    return _changed(
        request,
        icpc_id,
        {
            "plans": {p.enquiry_id: p.cp_plan for p in payload.plans},
            "expected_version": payload.expected_version,
        },
        services.icpc_outcome_record,
        _arranger_refusal,
    )
