"""Clocks and escalations through the API (django-ninja ``Router``): the timescales the
caller may see, and raising, acknowledging and resolving escalations (R004.8).

Mounted by the project's ``NinjaAPI`` at ``/api/clocks/`` and ``/api/escalations/``
(``convene/api/api.py``). The same selectors and services as the pages
(``convene/clocks/views.py``): a clock or escalation the caller may not see answers
404; one they see but may not act on, 403 with the reason; a refusal of the rules,
400 with the service's message and nothing written. A look at a clock or an escalation
is audited against each child it is about; a list is one audit entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, P, QueryEx, Router, Schema, Status

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record
from convene.clocks import selectors
from convene.clocks.escalations import (
    EscalationError,
    clock_audit_look,
    escalation_acknowledge,
    escalation_audit_look,
    escalation_raise,
    escalation_resolve,
)
from convene.clocks.models import Clock, Escalation
from convene.core.api import (
    AUTH_ERRORS,
    ERRORS,
    READ_ERRORS,
    BodyId,
    Cursor,
    PathId,
    acting_user,
    answer,
    error,
    link_next,
)
from convene.core.errors import Invalid
from convene.core.limits import NOTE_MAX
from convene.core.pagination import keyset_page
from convene.people.models import Professional
from convene.people.selectors import partnerships_of
from convene.people.vocab import AgencyKind

clocks_router = Router(tags=["clocks"])
escalations_router = Router(tags=["escalations"])

OPEN = (Clock.State.PENDING, Clock.State.BREACHED)


class ClockOut(Schema):
    id: int
    kind: str
    state: str
    summary: str
    rule_id: str
    citation: str
    started_at: datetime
    due_at: datetime
    met_at: datetime | None
    breached_at: datetime | None
    subject_type: str = Field(description="referral, discussion, s47enquiry, icpc, ...")
    subject_id: int


class EscalationIn(Schema):
    partnership_id: BodyId | None = Field(None, description="Defaults to your partnership")
    agency_id: BodyId | None = Field(
        None, description="Social care only: the partner agency escalated to"
    )
    clock_id: BodyId | None = Field(None, description="The timescale that is late, if any")
    what_is_late: str = Field(max_length=300)
    details: str = Field(max_length=NOTE_MAX)
    responsible: str = Field("", max_length=300)


class ResolveIn(Schema):
    outcome: str = Field(max_length=NOTE_MAX, description="The outcome agreed")


class EscalationOut(Schema):
    id: int
    direction: str
    state: str
    level: int
    citation: str
    what_is_late: str
    raised_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    clock_id: int | None


def _clock_out(clock: Clock) -> ClockOut:
    return ClockOut(
        id=clock.pk,
        kind=clock.kind,
        state=clock.state,
        summary=clock.summary,
        rule_id=clock.rule_id,
        citation=clock.citation,
        started_at=clock.started_at,
        due_at=clock.due_at,
        met_at=clock.met_at,
        breached_at=clock.breached_at,
        subject_type=clock.subject_type.model,
        subject_id=clock.subject_id,
    )


@clocks_router.get(
    "/",
    response={200: list[ClockOut], **AUTH_ERRORS},
    operation_id="clocks_list",
    summary="Timescales you can see: running and breached, or all",
)
def clocks_list(
    request: HttpRequest,
    response: HttpResponse,
    include_closed: bool = False,
    limit: QueryEx[int, P(ge=1, le=500)] = 100,
    before: Cursor = None,
) -> list[ClockOut]:
    """Social care's caseload staff: the partnership's clocks about records they may see.
    Newest first; the next page is ``?before=<id of the last one>`` (the ``Link`` header)."""
    user = acting_user(request)
    clocks = selectors.clocks_visible_to(user=user).select_related("subject_type")
    if not include_closed:
        clocks = clocks.filter(state__in=OPEN)
    rows = keyset_page(clocks, before=before, limit=limit)
    link_next(
        request, response, rows=rows, limit=limit, include_closed="true" if include_closed else ""
    )
    context = AuditContext.from_request(request)
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        summary=f"Listed timescales ({'all' if include_closed else 'open'}): {len(rows)} shown",
        context=context,
    )
    return [_clock_out(c) for c in rows]


@clocks_router.get(
    "/{clock_id}",
    response={200: ClockOut, **READ_ERRORS},
    operation_id="clock_read",
    summary="Read a timescale",
)
def clock_read(request: HttpRequest, clock_id: PathId) -> Status[Any]:
    user = acting_user(request)
    clock = (
        selectors.clocks_visible_to(user=user)
        .select_related("subject_type")
        .filter(pk=clock_id)
        .first()
    )
    if clock is None:
        return error(404, "Timescale not found")
    context = AuditContext.from_request(request)
    clock_audit_look(clock=clock, by=user, what="Viewed a timescale", context=context)
    return Status(200, _clock_out(clock))


# --- escalations ----------------------------------------------------------------------------


def _escalation_out(escalation: Escalation) -> EscalationOut:
    # Every field of EscalationOut is the escalation's attribute of the same name.
    return EscalationOut.from_orm(escalation)


def _service(call: Any) -> Any:
    """The escalation services refuse with ``EscalationError`` (a ``ValueError``): a 400."""

    def run() -> Any:
        try:
            return call()
        except EscalationError as refused:
            raise Invalid(str(refused), field=refused.field) from None

    return run


def _raise(payload: EscalationIn, user: Professional, request: HttpRequest) -> EscalationOut:
    mine = partnerships_of(user=user).order_by("name")
    partnership = mine.filter(pk=payload.partnership_id) if payload.partnership_id else mine
    found = partnership.first()
    if found is None:
        raise Invalid("Unknown partnership, or not yours", field="partnership_id")
    assert user.agency is not None  # may_raise_escalation checked it
    to_partner = user.agency.kind == AgencyKind.SOCIAL_CARE.value
    agency = None
    if to_partner and payload.agency_id is not None:
        agencies = selectors.partner_agencies_of(partnerships=mine)
        agency = agencies.filter(pk=payload.agency_id).first()
        if agency is None:
            raise Invalid(f"Unknown agency {payload.agency_id}", field="agency_id")
    clock = None
    if payload.clock_id is not None:
        clock = selectors.clocks_visible_to(user=user).filter(pk=payload.clock_id).first()
        if clock is None:
            raise Invalid(f"Unknown timescale {payload.clock_id}", field="clock_id")
    context = AuditContext.from_request(request)
    escalation = _service(
        lambda: escalation_raise(
            by=user,
            partnership=found,
            direction=(
                Escalation.Direction.SOCIAL_CARE_TO_PARTNER
                if to_partner
                else Escalation.Direction.PARTNER_TO_SOCIAL_CARE
            ),
            agency=agency,
            what_is_late=payload.what_is_late,
            details=payload.details,
            responsible=payload.responsible,
            clock=clock,
            now=timezone.now(),
            context=context,
        )
    )()
    return _escalation_out(escalation)


@escalations_router.post(
    "/",
    response={201: EscalationOut, **ERRORS},
    operation_id="escalation_raise",
    summary="Raise an escalation: something is late (R004.8)",
)
def escalation_create(request: HttpRequest, payload: EscalationIn) -> Status[Any]:
    user = acting_user(request)
    if not selectors.may_raise_escalation(user=user):
        return error(403, "You cannot raise an escalation")
    return answer(201, lambda: _raise(payload, user, request))


def _visible(request: HttpRequest, escalation_id: int) -> tuple[Professional, Escalation | None]:
    user = acting_user(request)
    found = selectors.escalations_visible_to(user=user).filter(pk=escalation_id).first()
    return user, found


@escalations_router.get(
    "/{escalation_id}",
    response={200: EscalationOut, **READ_ERRORS},
    operation_id="escalation_read",
    summary="Read an escalation",
)
def escalation_read(request: HttpRequest, escalation_id: PathId) -> Status[Any]:
    user, escalation = _visible(request, escalation_id)
    if escalation is None:
        return error(404, "Escalation not found")
    context = AuditContext.from_request(request)
    escalation_audit_look(escalation=escalation, by=user, context=context)
    return Status(200, _escalation_out(escalation))


def _act(request: HttpRequest, escalation_id: int, verb: str, call: Any) -> Status[Any]:
    user, escalation = _visible(request, escalation_id)
    if escalation is None:
        return error(404, "Escalation not found")
    if not selectors.escalation_may_act(user=user, escalation=escalation):
        return error(403, f"You cannot {verb} this escalation")
    found = escalation
    return answer(200, lambda: _escalation_out(_service(lambda: call(user, found))()))


@escalations_router.post(
    "/{escalation_id}/acknowledge",
    response={200: EscalationOut, **ERRORS},
    operation_id="escalation_acknowledge",
    summary="Acknowledge: your side has seen it and is dealing with it",
)
def acknowledge(request: HttpRequest, escalation_id: PathId) -> Status[Any]:
    context = AuditContext.from_request(request)
    return _act(
        request,
        escalation_id,
        "acknowledge",
        lambda user, found: escalation_acknowledge(
            escalation=found, by=user, now=timezone.now(), context=context
        ),
    )


@escalations_router.post(
    "/{escalation_id}/resolve",
    response={200: EscalationOut, **ERRORS},
    operation_id="escalation_resolve",
    summary="Resolve, with the outcome agreed",
)
def resolve(request: HttpRequest, escalation_id: PathId, payload: ResolveIn) -> Status[Any]:
    context = AuditContext.from_request(request)
    return _act(
        request,
        escalation_id,
        "resolve",
        lambda user, found: escalation_resolve(
            escalation=found, by=user, outcome=payload.outcome, now=timezone.now(), context=context
        ),
    )
