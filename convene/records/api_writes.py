"""Writing the record through the API: mark held, save a section, submit, authorise,
distribute, confirm (or ask for a correction) and start a correction.

Mounted inside the records router (``convene/records/api.py``), so under
``/api/records/``. Each operation makes the same checks as its page
(``convene/records/views.py``) before calling the same service, which checks the
rules again, writes in one transaction and makes the audit entry: a record you may
not see answers 404; one you see but may not change (a partner, an auditor, someone
who may not chair) answers 403 with the reason; a refusal of the rules answers the
service's status and message, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from convene.audit.context import AuditContext
from convene.core.access import require_write
from convene.core.api import ERRORS, BodyId, PathId, acting_user, answer, error
from convene.core.errors import Invalid
from convene.core.limits import NOTE_MAX
from convene.people.models import Professional
from convene.policy.vocab import RecordSection
from convene.records import selectors, services
from convene.records.models import Record
from convene.records.policy import may_chair
from convene.records.told import distribution_agency_options

router = Router(tags=["records"])

NOT_FOUND = "Not found"
_Found = TypeVar("_Found")
AGENCIES_MAX = 50


class RecordStateOut(Schema):
    discussion_id: int
    reference: str
    state: str
    draft_open: bool
    latest_version: int
    distributed: bool = Field(description="The latest version has been sent")


class HoldIn(Schema):
    held_at: datetime = Field(description="When it was held, with a time zone")


class SectionIn(Schema):
    content: dict[str, Any] = Field(
        description="The section's content, in the shape the record's GET shows (docs/record.md)"
    )
    expected_version: int = Field(
        ge=0, le=2**31 - 1, description="The section's version you read (0 before the first save)"
    )


class SectionSavedOut(Schema):
    section: str
    version: int
    content: dict[str, Any]


class DistributeIn(Schema):
    agency_ids: list[BodyId] = Field(
        default_factory=list,
        max_length=AGENCIES_MAX,
        description="Agencies of the partnership not invited that should be told (R002.9)",
    )


class ConfirmIn(Schema):
    accurate: bool = Field(description="false asks the chair for a correction")
    comment: str = Field("", max_length=NOTE_MAX, description="What needs correcting")


class ConfirmationOut(Schema):
    version: int
    response: str
    comment: str
    responded_at: datetime


class CorrectionIn(Schema):
    note: str = Field(max_length=NOTE_MAX, description="What the correction changes and why")


def state_out(record: Record) -> RecordStateOut:
    record.refresh_from_db()
    discussion = record.discussion
    discussion.refresh_from_db()
    latest = record.versions.order_by("-number").first()
    return RecordStateOut(
        discussion_id=record.discussion_id,
        reference=discussion.reference,
        state=discussion.state,
        draft_open=record.draft_open,
        latest_version=record.latest_number,
        distributed=latest is not None and latest.distributed_at is not None,
    )


def _found(
    request: HttpRequest, discussion_id: int, find: Callable[..., _Found]
) -> tuple[Professional, _Found] | None:
    """The caller and what ``find`` shows them of the discussion: None (a 404) when hidden."""
    user = acting_user(request)
    try:
        return user, find(user=user, pk=discussion_id)
    except Http404:
        return None


def _draft(request: HttpRequest, discussion_id: int) -> tuple[Professional, Record] | None:
    """The record, when the caller reads its draft (social care): else None (a 404)."""
    found = _found(request, discussion_id, selectors.record_for)
    if found is None:
        return None
    user, record = found
    return found if selectors.sees_draft(user=user, discussion=record.discussion) else None


@router.post(
    "/{discussion_id}/hold",
    response={201: RecordStateOut, **ERRORS},
    operation_id="record_hold",
    summary="Mark the discussion held: its record opens",
)
def hold(request: HttpRequest, discussion_id: PathId, payload: HoldIn) -> Status[Any]:
    found = _found(request, discussion_id, selectors.discussion_for)
    if found is None:
        return error(404, NOT_FOUND)
    user, discussion = found
    # As the page: an invited partner sees the discussion, so a 403 says why.
    if not selectors.sees_draft(user=user, discussion=discussion):
        return error(403, "Children's social care marks a discussion held and writes its record")
    if not may_chair(user, discussion):
        return error(403, "Only the chair or a manager who may chair marks it held")
    context = AuditContext.from_request(request)
    return answer(
        201,
        lambda: state_out(
            services.discussion_hold(
                discussion=discussion,
                held_at=payload.held_at,
                by=user,
                now=timezone.now(),
                context=context,
            )
        ),
    )


@router.put(
    "/{discussion_id}/sections/{section}",
    response={200: SectionSavedOut, **ERRORS},
    operation_id="record_section_save",
    summary="Save one section of the draft",
)
def section_save(
    request: HttpRequest, discussion_id: PathId, section: RecordSection, payload: SectionIn
) -> Status[Any]:
    """Refused with 409 when the section changed since the version you read (nothing saved)."""
    found = _draft(request, discussion_id)
    if found is None:
        return error(404, NOT_FOUND)
    user, record = found

    context = AuditContext.from_request(request)

    def call() -> SectionSavedOut:
        entry = services.record_section_save(
            record=record,
            section=section,
            content=payload.content,
            expected_version=payload.expected_version,
            by=user,
            now=timezone.now(),
            context=context,
        )
        return SectionSavedOut(section=entry.section, version=entry.version, content=entry.content)

    return answer(200, call)


def _run(request: HttpRequest, discussion_id: int, call: Any) -> Status[Any]:
    found = _draft(request, discussion_id)
    if found is None:
        return error(404, NOT_FOUND)
    user, record = found

    def run() -> RecordStateOut:
        call(user, record)
        return state_out(record)

    return answer(200, run)


def _run_service(
    request: HttpRequest, discussion_id: int, service: Callable[..., object], **arguments: Any
) -> Status[Any]:
    """``service`` on the record, as the caller, now, with the request's audit context."""
    context = AuditContext.from_request(request)

    def call(user: Professional, record: Record) -> None:
        service(record=record, by=user, now=timezone.now(), context=context, **arguments)

    return _run(request, discussion_id, call)


@router.post(
    "/{discussion_id}/submit",
    response={200: RecordStateOut, **ERRORS},
    operation_id="record_submit",
    summary="Submit the draft for a manager to authorise",
)
def submit(request: HttpRequest, discussion_id: PathId) -> Status[Any]:
    return _run_service(request, discussion_id, services.record_submit)


@router.post(
    "/{discussion_id}/authorise",
    response={200: RecordStateOut, **ERRORS},
    operation_id="record_authorise",
    summary="Authorise the draft as a new version (R001.5)",
)
def authorise(request: HttpRequest, discussion_id: PathId) -> Status[Any]:
    """Refused with 400 listing every section still missing."""
    return _run_service(request, discussion_id, services.record_authorise)


@router.post(
    "/{discussion_id}/distribute",
    response={200: RecordStateOut, **ERRORS},
    operation_id="record_distribute",
    summary="Send the authorised version to the attendees and the outcome to the others",
)
def distribute(request: HttpRequest, discussion_id: PathId, payload: DistributeIn) -> Status[Any]:
    context = AuditContext.from_request(request)

    def call(user: Professional, record: Record) -> None:
        options = distribution_agency_options(discussion=record.discussion)
        agencies = {a.pk: a for a in options.filter(pk__in=payload.agency_ids)}
        for pk in payload.agency_ids:
            if pk not in agencies:
                raise Invalid(
                    f"Unknown agency {pk}: choose an agency of the partnership", field="agency_ids"
                )
        services.record_distribute(
            record=record,
            by=user,
            now=timezone.now(),
            agencies=[agencies[pk] for pk in payload.agency_ids],
            context=context,
        )

    return _run(request, discussion_id, call)


@router.post(
    "/{discussion_id}/confirm",
    response={201: ConfirmationOut, **ERRORS},
    operation_id="record_confirm",
    summary="As an attendee: confirm the version sent is accurate, or ask for a correction",
)
def confirm(request: HttpRequest, discussion_id: PathId, payload: ConfirmIn) -> Status[Any]:
    found = _found(request, discussion_id, selectors.record_for)
    if found is None:
        return error(404, NOT_FOUND)
    user, record = found
    sent = (
        selectors.versions_visible_to(user=user, record=record)
        .filter(distributed_at__isnull=False)
        .exists()
    )
    if not sent:
        return error(404, NOT_FOUND)

    context = AuditContext.from_request(request)

    def call() -> ConfirmationOut:
        require_write(user=user)  # an auditor's confirmation: 403, as on the page
        confirmation = services.record_confirm(
            record=record,
            accurate=payload.accurate,
            comment=payload.comment,
            by=user,
            now=timezone.now(),
            context=context,
        )
        return ConfirmationOut(
            version=confirmation.version.number,
            response=confirmation.response,
            comment=confirmation.comment,
            responded_at=confirmation.responded_at,
        )

    return answer(201, call)


@router.post(
    "/{discussion_id}/correction",
    response={200: RecordStateOut, **ERRORS},
    operation_id="record_correction_start",
    summary="As the chair: reopen the draft to correct the record (a new version)",
)
def correction(request: HttpRequest, discussion_id: PathId, payload: CorrectionIn) -> Status[Any]:
    return _run_service(request, discussion_id, services.record_correction_start, note=payload.note)
