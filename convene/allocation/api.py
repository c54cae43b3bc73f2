""" "My work" through the API: what is due for the token's user, most urgent first.

The same rows as the page (``convene.allocation.work.work_unnamed``), built from what the
person is allocated and owns, never from the whole caseload; a manager may ask for their
teams' work. Paginated with ``page`` (the rows are sorted by urgency, not by id, so a
page number rather than an id cursor). One audit entry, as the page makes.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, P, QueryEx, Router, Schema

from convene.allocation.work import with_children_named, work_unnamed
from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.core.api import AUTH_ERRORS, acting_user
from convene.referrals.selectors import may_decide_and_convene

router = Router(tags=["my work"])

PAGE_SIZE = 50


class WorkRowOut(Schema):
    child: str
    what: str
    due_at: datetime | None
    status: str = Field(description='"overdue", "due today", "on track" or "" (no deadline)')
    url: str = Field(description="The page in Convene where it is done")


class WorkPage(Schema):
    count: int
    page: int
    pages: int
    team: bool = Field(description="Your teams' work (managers only)")
    items: list[WorkRowOut]


@router.get(
    "/",
    response={200: WorkPage, **AUTH_ERRORS},
    operation_id="my_work",
    summary="My work: everything due for you, most urgent first",
)
def my_work(
    request: HttpRequest,
    team: bool = False,
    page: QueryEx[int, P(ge=1, le=1000)] = 1,
) -> WorkPage:
    user = acting_user(request)
    team = team and may_decide_and_convene(user=user)
    rows = work_unnamed(user=user, now=timezone.now(), team=team)
    context = AuditContext.from_request(request)
    audit_record(
        actor=user,
        action=Action.SEARCH,
        summary="Opened My team's work (API)" if team else "Opened My work (API)",
        context=context,
    )
    start = (page - 1) * PAGE_SIZE
    return WorkPage(
        count=len(rows),
        page=page,
        pages=max(1, -(-len(rows) // PAGE_SIZE)),
        team=team,
        items=[
            WorkRowOut(child=r.child, what=r.what, due_at=r.due_at, status=r.status, url=r.url)
            for r in with_children_named(rows[start : start + PAGE_SIZE])
        ],
    )
