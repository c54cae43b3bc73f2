"""Agreed actions through the API (django-ninja ``Router``): my actions, reading and updating
them, through the same selectors and services as the pages.

Mounted inside the follow-through's router (``convene/followup/routers.py``), so under
``/api/followup/`` (``convene/api/api.py``),
whose bearer-token authentication makes ``request.auth`` the token's user; a test
client's ``user=`` works too (``convene.core.api.acting_user``). Anything the user may
not see answers 404, as if it did not exist (an action only to those who may see its
discussion or HRPM, ``actions_visible_to``); a refusal answers with the
service's status and message (an auditor's update 403, a stale version 409, a missing
note 400). Every request is in the audit log: a look at an action or an enquiry against
each child it is about, a list as one entry, an update by the service that makes it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, P, QueryEx, Router, Schema, Status
from pydantic import Field as PydanticField

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record, audit_record_children
from convene.core.api import (
    AUTH_ERRORS,
    ERRORS,
    READ_ERRORS,
    PathId,
    acting_user,
    answer,
    error,
)
from convene.followup.actions import services
from convene.followup.actions.row_details import with_row_details
from convene.followup.actions.selectors import (
    ACTION_CURSOR,
    action_children,
    action_cursor,
    action_rows,
    action_updates,
    actions_visible_to,
    hrpm_action_rows,
    hrpm_actions_visible_to,
    my_actions_merged,
)
from convene.followup.fields import TEXT_MAX
from convene.followup.models import HrpmAction
from convene.followup.vocab import ActionProgress
from convene.people.models import Child, Professional
from convene.records.models import Action

router = Router(tags=["follow-through"])

LIST_LIMIT = 500
# The update form's limit: the page and the API refuse the same input.
NOTE_MAX = TEXT_MAX
ACTION_NOT_FOUND = "Action not found"
# The number of updates an action has had, counted from 0: a new action is version 0.
UpdateCount = Annotated[
    int, PydanticField(ge=0, le=2**31 - 1, description="The version you read (its updates)")
]


class UpdateOut(Schema):
    number: int
    progress: str
    note: str
    by: str
    at: datetime


class ActionOut(Schema):
    id: int
    kind: str = Field(
        description='"record" (agreed in a strategy discussion) or "hrpm" (an HRPM safety plan)'
    )
    discussion_id: int | None = Field(description="The discussion it was agreed in (record)")
    hrpm_id: int | None = Field(description="The HRPM whose safety plan it is in (hrpm)")
    what: str
    owner: str
    due_on: date
    due_at: datetime | None
    status: str
    overdue: bool
    version: int = Field(description="The number of updates: send it back as expected_version")
    latest_update: str


class ActionDetailOut(ActionOut):
    updates: list[UpdateOut]


class UpdateIn(Schema):
    status: ActionProgress = Field(description="in_progress, or done (which closes the action)")
    note: str = Field(max_length=NOTE_MAX, description="What was done, or where it stands")
    expected_version: UpdateCount | None = None


def _action_out(row: Action | HrpmAction, kind: str) -> ActionOut:
    return ActionOut(
        id=row.pk,
        kind=kind,
        discussion_id=row.record.discussion_id if isinstance(row, Action) else None,
        hrpm_id=row.meeting.hrpm_id if isinstance(row, HrpmAction) else None,
        what=row.what,
        owner=row.owner_name,
        due_on=row.due_on,
        due_at=getattr(row, "due_at", None),
        status=row.status,
        overdue=bool(getattr(row, "overdue", False)),
        version=int(getattr(row, "update_count", 0)),
        latest_update=getattr(row, "last_note", None) or "",
    )


def _record_action(user: Professional, action_id: int) -> Action | None:
    visible = action_rows(actions_visible_to(user=user).filter(pk=action_id))
    return next(iter(with_row_details(visible[:1], now=timezone.now())), None)


def _hrpm_action(user: Professional, action_id: int) -> HrpmAction | None:
    visible = hrpm_action_rows(hrpm_actions_visible_to(user=user).filter(pk=action_id))
    return next(iter(with_row_details(visible[:1], now=timezone.now())), None)


def _detail(row: Action | HrpmAction, kind: str) -> ActionDetailOut:
    return ActionDetailOut(
        **_action_out(row, kind).dict(),
        updates=[
            UpdateOut(number=u.number, progress=u.progress, note=u.note, by=str(u.by), at=u.at)
            for u in action_updates(action=row)
        ],
    )


def audit_look(
    request: HttpRequest, user: Professional, obj: Model, children: list[Child], summary: str
) -> None:
    """A look at an action or an enquiry is a look at each child it is about."""
    context = AuditContext.from_request(request)
    audit_record_children(
        actor=user,
        action=AuditAction.VIEW,
        obj=obj,
        children=children,
        summary=summary,
        context=context,
    )


def _read(request: HttpRequest, row: Action | HrpmAction | None, kind: str) -> Status[Any]:
    if row is None:
        return error(404, ACTION_NOT_FOUND)
    user = acting_user(request)
    summary = f"Viewed an action for {row.owner_name}, due {row.due_on:%d %B %Y}"
    audit_look(request, user, row, action_children(action=row), summary)
    return Status(200, _detail(row, kind))


def _update(
    request: HttpRequest,
    row: Action | HrpmAction | None,
    payload: UpdateIn,
    reread: Any,
    kind: str,
) -> Status[Any]:
    """The service checks who may update (an auditor 403, the owner's agency or the
    partnership's social workers and managers), the version (409) and the note (400), and
    writes the audit entry; the answer is the action as it now stands."""
    if row is None:
        return error(404, ACTION_NOT_FOUND)
    user = acting_user(request)
    found = row

    context = AuditContext.from_request(request)

    def call() -> ActionDetailOut:
        services.action_update(
            action=found,
            status=payload.status.value,
            note=payload.note,
            by=user,
            now=timezone.now(),
            expected_version=payload.expected_version,
            context=context,
        )
        return _detail(reread(user, found.pk), kind)

    return answer(200, call)


def listed(
    request: HttpRequest, user: Professional, what: str, *, everything: bool, found: list[Any]
) -> list[Any]:
    """A list is one look, as a search is: one audit entry, however many rows it shows."""
    scope = "all" if everything else "open"
    context = AuditContext.from_request(request)
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        summary=f"Listed {what} ({scope}): {len(found)} shown",
        context=context,
    )
    return found


@router.get(
    "/my-actions/",
    response={200: list[ActionOut], **AUTH_ERRORS},
    operation_id="my_actions",
    summary="My actions and my agency's",
)
def my_actions(
    request: HttpRequest,
    response: HttpResponse,
    include_done: bool = False,
    limit: QueryEx[int, P(ge=1, le=LIST_LIMIT)] = 100,
    before: QueryEx[
        str | None,
        P(
            pattern=ACTION_CURSOR,
            description='Cursor: the kind and id of the last row of the page before ("record-12")',
        ),
    ] = None,
) -> list[ActionOut]:
    """Mine and my agency's, of the discussions and HRPMs I may see, both kinds in one list:
    the open ones most urgent first (overdue first, as the "My actions" page); with
    ``include_done`` the latest due first. ``limit`` (at most 500) a page; the next page is
    ``?before=<kind>-<id>`` of the last row, also given as the ``Link: <…>; rel="next"``
    header when there are more. The same few queries whatever the page holds. One audit
    entry for the list."""
    user = acting_user(request)
    page = my_actions_merged(
        user=user,
        now=timezone.now(),
        include_done=include_done,
        before=action_cursor(before),
        limit=limit,
    )
    if page.next is not None:
        query = {"include_done": "true"} if include_done else {}
        params = urlencode({**query, "limit": str(limit), "before": page.next})
        response["Link"] = f'<{request.path}?{params}>; rel="next"'
    found = [_action_out(row, kind) for kind, row in page.rows]
    return listed(request, user, "my actions", everything=include_done, found=found)


@router.get(
    "/actions/{action_id}",
    response={200: ActionDetailOut, **READ_ERRORS},
    operation_id="action",
    summary="Read an action agreed in a discussion",
)
def action_detail(request: HttpRequest, action_id: PathId) -> Status[Any]:
    return _read(request, _record_action(acting_user(request), action_id), "record")


@router.post(
    "/actions/{action_id}/updates",
    response={200: ActionDetailOut, **ERRORS},
    operation_id="action_update",
    summary="Record progress on an action, or that it is done",
)
def action_update(request: HttpRequest, action_id: PathId, payload: UpdateIn) -> Status[Any]:
    """A stale ``expected_version`` is a 409; done is final."""
    row = _record_action(acting_user(request), action_id)
    return _update(request, row, payload, _record_action, "record")


@router.get(
    "/hrpm-actions/{action_id}",
    response={200: ActionDetailOut, **READ_ERRORS},
    operation_id="hrpm_action",
    summary="Read an action of an HRPM safety plan",
)
def hrpm_action_detail(request: HttpRequest, action_id: PathId) -> Status[Any]:
    return _read(request, _hrpm_action(acting_user(request), action_id), "hrpm")


@router.post(
    "/hrpm-actions/{action_id}/updates",
    response={200: ActionDetailOut, **ERRORS},
    operation_id="hrpm_action_update",
    summary="Record progress on an HRPM action, or that it is done",
)
def hrpm_action_update(request: HttpRequest, action_id: PathId, payload: UpdateIn) -> Status[Any]:
    row = _hrpm_action(acting_user(request), action_id)
    return _update(request, row, payload, _hrpm_action, "hrpm")
