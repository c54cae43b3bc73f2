"""The follow-through through the API (django-ninja ``Router``): my actions, updating them, and
S47 enquiries, through the same selectors and services as the pages.

Mounted by the project's ``NinjaAPI`` (``api.add_router("/followup/", router)``), whose
bearer-token authentication makes ``request.auth`` the token's user; a test client's
``user=`` works too. Anything the user may not see answers 404, as if it did not exist; a
refusal answers with the service's status and message (403, 409, 400).
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record
from convene.core.errors import ServiceError
from convene.followup import selectors, services
from convene.followup.forms import TEXT_MAX
from convene.followup.models import HrpmAction, S47Enquiry
from convene.people.models import Professional
from convene.records.models import Action

router = Router(tags=["follow-through"])


class Message(Schema):
    detail: str


class UpdateOut(Schema):
    number: int
    progress: str
    note: str
    by: str
    at: datetime


class ActionOut(Schema):
    id: int
    kind: str  # "record" (agreed in a strategy discussion) or "hrpm" (an HRPM safety plan)
    what: str
    owner: str
    due_on: date
    due_at: datetime | None
    status: str
    overdue: bool
    version: int  # the number of updates: send it back as expected_version
    latest_update: str


class ActionDetailOut(ActionOut):
    updates: list[UpdateOut]


class UpdateIn(Schema):
    status: str = Field(max_length=20)  # "in_progress" or "done"
    note: str = Field(max_length=TEXT_MAX)
    expected_version: int | None = None


class S47Out(Schema):
    id: int
    reference: str
    child_id: int
    child: str
    discussion_id: int
    lead: str
    state: str
    started_at: datetime
    visited_at: datetime | None
    seen_alone: bool | None
    outcome: str
    other_service: str
    route: str
    icpc_id: int | None
    icpc_state: str | None
    closed_at: datetime | None


def _user(request: HttpRequest) -> Professional:
    user = getattr(request, "auth", None) or request.user
    if not isinstance(user, Professional):
        raise HttpError(401, "Unauthorized")
    return user


def _action_out(row: Action | HrpmAction, kind: str) -> ActionOut:
    return ActionOut(
        id=row.pk,
        kind=kind,
        what=row.what,
        owner=row.owner_name,
        due_on=row.due_on,
        due_at=getattr(row, "due_at", None),
        status=row.status,
        overdue=bool(getattr(row, "overdue", False)),
        version=int(getattr(row, "update_count", 0)),
        latest_update=getattr(row, "last_note", None) or "",
    )


def _record_action(user: Professional, action_id: int) -> Action:
    row = (
        selectors.action_rows(
            selectors.actions_visible_to(user=user).filter(pk=action_id), now=timezone.now()
        )
    ).first()
    if row is None:
        raise HttpError(404, "Not Found")
    return row


def _hrpm_action(user: Professional, action_id: int) -> HrpmAction:
    row = (
        selectors.hrpm_action_rows(
            selectors.hrpm_actions_visible_to(user=user).filter(pk=action_id), now=timezone.now()
        )
    ).first()
    if row is None:
        raise HttpError(404, "Not Found")
    return row


def _detail(row: Action | HrpmAction, kind: str) -> ActionDetailOut:
    return ActionDetailOut(
        **_action_out(row, kind).dict(),
        updates=[
            UpdateOut(number=u.number, progress=u.progress, note=u.note, by=str(u.by), at=u.at)
            for u in selectors.action_updates(action=row)
        ],
    )


def _update(user: Professional, row: Action | HrpmAction, payload: UpdateIn) -> None:
    try:
        services.action_update(
            action=row,
            status=payload.status,
            note=payload.note,
            by=user,
            now=timezone.now(),
            expected_version=payload.expected_version,
        )
    except ServiceError as error:
        raise HttpError(error.status, error.message) from error


@router.get("/my-actions/", response=list[ActionOut], operation_id="my_actions")
def my_actions(request: HttpRequest, include_done: bool = False) -> list[ActionOut]:
    """My actions and my agency's, overdue first (as the "My actions" page)."""
    user = _user(request)
    now = timezone.now()
    record = selectors.mine(selectors.actions_visible_to(user=user), user=user)
    hrpm = selectors.mine(selectors.hrpm_actions_visible_to(user=user), user=user)
    if not include_done:
        record, hrpm = record.filter(status="open"), hrpm.filter(status="open")
    return [
        *(_action_out(a, "record") for a in selectors.action_rows(record, now=now)[:500]),
        *(_action_out(a, "hrpm") for a in selectors.hrpm_action_rows(hrpm, now=now)[:500]),
    ]


@router.get(
    "/actions/{action_id}", response={200: ActionDetailOut, 404: Message}, operation_id="action"
)
def action_detail(request: HttpRequest, action_id: int) -> ActionDetailOut:
    return _detail(_record_action(_user(request), action_id), "record")


@router.post(
    "/actions/{action_id}/updates",
    response={200: ActionDetailOut, 400: Message, 403: Message, 404: Message, 409: Message},
    operation_id="action_update",
)
def action_update(request: HttpRequest, action_id: int, payload: UpdateIn) -> ActionDetailOut:
    """Record progress, or done with what was done; a stale ``expected_version`` is a 409."""
    user = _user(request)
    _update(user, _record_action(user, action_id), payload)
    return _detail(_record_action(user, action_id), "record")


@router.get(
    "/hrpm-actions/{action_id}",
    response={200: ActionDetailOut, 404: Message},
    operation_id="hrpm_action",
)
def hrpm_action_detail(request: HttpRequest, action_id: int) -> ActionDetailOut:
    return _detail(_hrpm_action(_user(request), action_id), "hrpm")


@router.post(
    "/hrpm-actions/{action_id}/updates",
    response={200: ActionDetailOut, 400: Message, 403: Message, 404: Message, 409: Message},
    operation_id="hrpm_action_update",
)
def hrpm_action_update(request: HttpRequest, action_id: int, payload: UpdateIn) -> ActionDetailOut:
    user = _user(request)
    _update(user, _hrpm_action(user, action_id), payload)
    return _detail(_hrpm_action(user, action_id), "hrpm")


def _s47_out(enquiry: S47Enquiry) -> S47Out:
    return S47Out(
        id=enquiry.pk,
        reference=enquiry.reference,
        child_id=enquiry.child_id,
        child=enquiry.child.full_name,
        discussion_id=enquiry.discussion_id,
        lead=enquiry.lead,
        state=enquiry.state,
        started_at=enquiry.started_at,
        visited_at=enquiry.visited_at,
        seen_alone=enquiry.seen_alone,
        outcome=enquiry.outcome,
        other_service=enquiry.other_service,
        route=enquiry.route,
        icpc_id=enquiry.icpc_id,
        icpc_state=enquiry.icpc.state if enquiry.icpc else None,
        closed_at=enquiry.closed_at,
    )


@router.get("/s47/", response=list[S47Out], operation_id="s47_enquiries")
def s47_enquiries(request: HttpRequest, include_closed: bool = False) -> list[S47Out]:
    """S47 enquiries you may see: the partnership's for social care, a partner's invited ones."""
    enquiries = selectors.s47_enquiries_visible_to(user=_user(request)).select_related(
        "child", "icpc"
    )
    if not include_closed:
        enquiries = enquiries.exclude(state="closed")
    return [_s47_out(e) for e in enquiries.order_by("started_at", "pk")[:500]]


@router.get("/s47/{enquiry_id}", response={200: S47Out, 404: Message}, operation_id="s47_enquiry")
def s47_enquiry(request: HttpRequest, enquiry_id: int) -> S47Out:
    enquiry = (
        selectors.s47_enquiries_visible_to(user=_user(request))
        .select_related("child", "icpc")
        .filter(pk=enquiry_id)
        .first()
    )
    if enquiry is None:
        raise HttpError(404, "Not Found")
    audit_record(
        actor=_user(request),
        action=AuditAction.VIEW,
        obj=enquiry,
        child=enquiry.child,
        summary=f"Viewed S47 enquiry {enquiry.reference} through the API",
        request=request,
    )
    return _s47_out(enquiry)
