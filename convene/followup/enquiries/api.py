"""S47 enquiries through the API: list and read them, start the enquiries a record decided,
record the visit and the outcome.

Mounted inside the follow-through router (``convene/followup/routers.py``), so under
``/api/followup/``. Each operation makes its page's checks (``convene/followup/enquiries/views.py``)
before calling the same service, which checks the rules again, writes in one
transaction and makes the audit entry: what the caller may not see answers 404; what
they see but may not change, 403 with the reason; a refusal of the rules, the service's
status and message, with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, P, QueryEx, Router, Schema, Status

from convene.core.api import (
    AUTH_ERRORS,
    ERRORS,
    READ_ERRORS,
    BodyId,
    Cursor,
    PathId,
    Version,
    acted,
    acting_user,
    answer,
    error,
    link_next,
    visible_one,
)
from convene.core.errors import Invalid
from convene.core.limits import NOTE_MAX
from convene.core.pagination import keyset_page
from convene.followup.actions.api import LIST_LIMIT, audit_look, listed
from convene.followup.enquiries.selectors import s47_decisions_to_start, s47_enquiries_visible_to
from convene.followup.enquiries.services import (
    s47_enquiries_start,
    s47_outcome_record,
    s47_visit_record,
)
from convene.followup.models import S47Enquiry
from convene.followup.roles import partnership_professionals, works_cases
from convene.followup.vocab import S47Outcome
from convene.people.models import Partnership, Professional

router = Router(tags=["follow-through"])

ENQUIRY_NOT_FOUND = "S47 enquiry not found"
PEOPLE_MAX = 20


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
    version: int = Field(1, description="Send it back as expected_version")


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


def people_of(partnership: Partnership, ids: list[int], what: str) -> list[Professional]:
    """The partnership's professionals by id (one query); anyone else is unknown, not named."""
    found = {p.pk: p for p in partnership_professionals(partnership=partnership).filter(pk__in=ids)}
    for pk in ids:
        if pk not in found:
            raise Invalid(f"Unknown {what} {pk}: choose someone of the partnership", field=what)
    return [found[pk] for pk in ids]


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
        version=enquiry.version,
    )


@router.get(
    "/s47/",
    response={200: list[S47Out], **AUTH_ERRORS},
    operation_id="s47_enquiries",
    summary="S47 enquiries you can see",
)
def s47_enquiries(
    request: HttpRequest,
    response: HttpResponse,
    include_closed: bool = False,
    limit: QueryEx[int, P(ge=1, le=LIST_LIMIT)] = 100,
    before: Cursor = None,
) -> list[S47Out]:
    """Social care: the partnership's; a partner: those of discussions they were invited to.

    Newest first, ``limit`` (at most 500) a page; the next page is ``?before=<id of the last
    one>``, also given as the ``Link: <…>; rel="next"`` header when there may be more. The
    same few queries whatever the page holds. One audit entry for the list."""
    user = acting_user(request)
    enquiries = s47_enquiries_visible_to(user=user, listed=True).select_related("child", "icpc")
    if not include_closed:
        enquiries = enquiries.exclude(state="closed")
    rows = keyset_page(enquiries, before=before, limit=limit)
    link_next(
        request, response, rows=rows, limit=limit, include_closed="true" if include_closed else ""
    )
    found = [_s47_out(e) for e in rows]
    return listed(request, user, "S47 enquiries", everything=include_closed, found=found)


@router.get(
    "/s47/{enquiry_id}",
    response={200: S47Out, **READ_ERRORS},
    operation_id="s47_enquiry",
    summary="Read a S47 enquiry",
)
def s47_enquiry(request: HttpRequest, enquiry_id: PathId) -> Status[Any]:
    user, enquiry = visible_one(request, s47_enquiries_visible_to, enquiry_id, "child", "icpc")
    if enquiry is None:
        return error(404, ENQUIRY_NOT_FOUND)
    audit_look(request, user, enquiry, [enquiry.child], f"Viewed S47 enquiry {enquiry.reference}")
    return Status(200, _s47_out(enquiry))


def _enquiry_out(enquiry: S47Enquiry) -> EnquiryStateOut:
    # Every field of EnquiryStateOut is the enquiry's attribute of the same name.
    return EnquiryStateOut.from_orm(enquiry)


def _enquiry(request: HttpRequest, enquiry_id: int) -> tuple[Professional, S47Enquiry | None]:
    related = ("child", "partnership", "discussion")
    return visible_one(request, s47_enquiries_visible_to, enquiry_id, *related)


def _worker_changes(
    request: HttpRequest, enquiry_id: int, change: Callable[[Professional, S47Enquiry], S47Enquiry]
) -> Status[Any]:
    """A change to one enquiry by children's social care: 404 unless the caller sees it,
    403 unless they work its partnership's cases, then the state it is left in."""
    return acted(
        _enquiry(request, enquiry_id),
        ENQUIRY_NOT_FOUND,
        lambda user, found: _enquiry_out(change(user, found)),
        refusal=_worker_refusal,
    )


def _stamped(user: Professional, expected_version: int | None) -> dict[str, Any]:
    """Who changes the enquiry, when, and the version they read (optimistic locking)."""
    return {"by": user, "now": timezone.now(), "expected_version": expected_version}


def _worker_refusal(user: Professional, enquiry: S47Enquiry) -> Status[Any] | None:
    if not works_cases(user=user, partnership=enquiry.partnership_id):
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
        s47_decisions_to_start(user=user).filter(record__discussion_id=discussion_id)
    ).first()
    if version is None:
        started = list(
            s47_enquiries_visible_to(user=user)
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
                e.pk for e in s47_enquiries_start(version=version, by=user, now=timezone.now())
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
    def visit(user: Professional, found: S47Enquiry) -> S47Enquiry:
        visitors = people_of(found.partnership, payload.visitor_ids, "visitor_ids")
        return s47_visit_record(
            enquiry=found,
            visited_at=payload.visited_at,
            visitors=visitors,
            seen_alone=payload.seen_alone,
            not_seen_alone_reason=payload.not_seen_alone_reason,
            notes=payload.notes,
            **_stamped(user, payload.expected_version),
        )

    return _worker_changes(request, enquiry_id, visit)


@router.post(
    "/s47/{enquiry_id}/outcome",
    response={200: EnquiryStateOut, **ERRORS},
    operation_id="s47_outcome",
    summary="Record the outcome (R003.9): significant harm requests an ICPC (R000.2)",
)
def s47_outcome(request: HttpRequest, enquiry_id: PathId, payload: OutcomeIn) -> Status[Any]:
    def outcome(user: Professional, found: S47Enquiry) -> S47Enquiry:
        return s47_outcome_record(
            enquiry=found,
            outcome=payload.outcome.value,
            reasons=payload.reasons,
            other_service=payload.other_service,
            **_stamped(user, payload.expected_version),
        )

    return _worker_changes(request, enquiry_id, outcome)
