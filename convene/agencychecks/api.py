"""API for partner agencies' own systems: their open agency checks, and submitting one, with the
same rules, validation and audit as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from convene.agencychecks import selectors
from convene.agencychecks.forms import ANSWER_MAX, ROLE_MAX
from convene.agencychecks.holding import only_own_agency
from convene.agencychecks.models import AgencyCheckVersion
from convene.agencychecks.questions import QUESTIONS
from convene.agencychecks.services import agency_check_submit
from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record, audit_record_children
from convene.core.api import ERRORS, READ_ERRORS, PathId, acting_user, answer, error
from convene.discussions.models import Discussion
from convene.discussions.selectors import discussions_visible_to

router = Router(tags=["agency checks"])

NOT_FOUND = "Discussion not found"
OPEN_MAX = 100


class CheckIn(Schema):
    known: Literal["yes", "past", "no"]
    involvement: str = Field("", max_length=ANSWER_MAX)
    history: str = Field("", max_length=ANSWER_MAX)
    concerns: str = Field("", max_length=ANSWER_MAX)
    protective_factors: str = Field("", max_length=ANSWER_MAX)
    childs_views: str = Field("", max_length=ANSWER_MAX)
    contribution: str = Field("", max_length=ANSWER_MAX)
    start_date: str = Field("", max_length=ANSWER_MAX)
    attendance: str = Field("", max_length=ANSWER_MAX)
    concern_records: str = Field("", max_length=ANSWER_MAX)
    parental_engagement: str = Field("", max_length=ANSWER_MAX)
    development: str = Field("", max_length=ANSWER_MAX)
    previous_support: str = Field("", max_length=ANSWER_MAX)
    not_for_family: str = Field("", max_length=ANSWER_MAX)
    not_for_family_reason: str = Field("", max_length=ANSWER_MAX)
    completed_by_role: str = Field("", max_length=ROLE_MAX)


class CheckOut(Schema):
    agency: str
    received: bool
    version: int | None
    late: bool | None
    submitted_at: datetime | None
    submitted_by: str | None
    answers: dict[str, str]


class OpenCheckOut(Schema):
    discussion_id: int
    discussion_reference: str
    starts_at: datetime | None


def _content(payload: CheckIn) -> dict[str, str]:
    keys = ["known", *(q.key for q in QUESTIONS)]
    values = payload.dict()
    return {key: values[key].strip() for key in keys if values.get(key, "").strip()}


def _out(agency: str, latest: AgencyCheckVersion | None) -> CheckOut:
    return CheckOut(
        agency=agency,
        received=latest is not None,
        version=latest.number if latest else None,
        late=latest.late if latest else None,
        submitted_at=latest.submitted_at if latest else None,
        submitted_by=str(latest.submitted_by) if latest else None,
        answers=dict(latest.content) if latest else {},
    )


def _visible(request: HttpRequest, discussion_id: int) -> Discussion | None:
    user = acting_user(request)
    return discussions_visible_to(user=user).filter(pk=discussion_id).first()


@router.get(
    "/", response={200: list[OpenCheckOut], **READ_ERRORS}, summary="My agency's open checks"
)
def open_checks(request: HttpRequest) -> Status[Any]:
    user = acting_user(request)
    rows = list(selectors.checks_to_send(user=user, now=timezone.now())[:OPEN_MAX])
    context = AuditContext.from_request(request)
    audit_record(
        actor=user, action=Action.SEARCH, summary="Listed their open agency checks", context=context
    )
    return Status(
        200,
        [
            OpenCheckOut(
                discussion_id=i.discussion_id,
                discussion_reference=i.discussion.reference,
                starts_at=i.discussion.starts_at,
            )
            for i in rows
        ],
    )


@router.get(
    "/{discussion_id}",
    response={200: list[CheckOut], **READ_ERRORS},
    summary="Every invited agency's check for a discussion",
)
def read_checks(request: HttpRequest, discussion_id: PathId) -> Status[Any]:
    discussion = _visible(request, discussion_id)
    if discussion is None:
        return error(404, NOT_FOUND)
    context = AuditContext.from_request(request)
    audit_record_children(
        actor=acting_user(request),
        action=Action.VIEW,
        obj=discussion,
        children=discussion.children.all(),
        summary=f"Viewed the agency checks of {discussion.reference}",
        context=context,
    )
    board = selectors.checks_board(
        discussion=discussion,
        only_agency=only_own_agency(
            user=acting_user(request), discussion=discussion, now=timezone.now()
        ),
    )
    return Status(200, [_out(column.agency.name, column.latest) for column in board])


@router.post(
    "/{discussion_id}",
    response={201: CheckOut, **ERRORS},
    summary="Send (or update) my agency's check",
)
def submit_check(request: HttpRequest, discussion_id: PathId, payload: CheckIn) -> Status[Any]:
    discussion = _visible(request, discussion_id)
    if discussion is None:
        return error(404, NOT_FOUND)
    user = acting_user(request)

    context = AuditContext.from_request(request)

    def call() -> CheckOut:
        version = agency_check_submit(
            discussion=discussion,
            content=_content(payload),
            by=user,
            now=timezone.now(),
            context=context,
        )
        return _out(user.agency.name if user.agency else "", version)

    return answer(201, call)
