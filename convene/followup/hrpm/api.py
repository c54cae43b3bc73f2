"""High Risk Planning Meetings through the API: start a series, read it, record a meeting, add an
action to its safety plan.

Mounted inside the follow-through router (``convene/followup/routers.py``), so under
``/api/followup/``. As for S47 enquiries (``convene/followup/enquiries/api.py``): the page's
checks, then the same service (which audits the write); 404 for what the caller may not
see, 403 with the reason for what they see but may not change, the service's refusal
otherwise.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

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
    visible_one,
)
from convene.core.errors import Invalid
from convene.core.limits import NOTE_MAX
from convene.followup.actions.api import audit_look
from convene.followup.enquiries.api import PEOPLE_MAX, people_of
from convene.followup.hrpm import services
from convene.followup.hrpm.selectors import hrpms_visible_to
from convene.followup.hrpm.services import hrpm_create, hrpm_meeting_record
from convene.followup.models import Hrpm, HrpmMeeting
from convene.followup.roles import works_cases
from convene.people.models import Agency, Professional
from convene.people.selectors import children_visible_to

router = Router(tags=["follow-through"])

HRPM_NOT_FOUND = "HRPM not found"
NOT_SOCIAL_CARE = "Only children's social care records High Risk Planning Meetings"


class HrpmIn(Schema):
    child_id: BodyId
    risk_assessment: str = Field(max_length=NOTE_MAX)
    young_persons_view: str = Field(max_length=NOTE_MAX)
    first_meeting_on: date | None = None


class HrpmOut(Schema):
    id: int
    child_id: int
    state: str
    risk_assessment: str
    first_meeting_on: date | None
    meetings: list[int] = Field(description="The meetings' numbers")
    version: int = Field(description="Send it back as expected_version")


class MeetingIn(Schema):
    held_at: datetime
    attendee_ids: list[BodyId] = Field(max_length=PEOPLE_MAX)
    young_person_attended: bool
    young_person_absent_reason: str = Field("", max_length=NOTE_MAX)
    young_persons_view: str = Field(max_length=NOTE_MAX)
    risk_assessment: str = Field(max_length=NOTE_MAX)
    safety_plan: str = Field(max_length=NOTE_MAX)
    next_meeting_on: date
    expected_version: Version | None = None


class MeetingOut(Schema):
    hrpm_id: int
    number: int
    held_at: datetime
    next_meeting_on: date


class HrpmActionIn(Schema):
    owner_kind: str = Field(max_length=10, description="person or agency")
    owner_id: BodyId = Field(description="A professional or agency of the partnership")
    what: str = Field(max_length=NOTE_MAX)
    due_on: date


class HrpmActionOut(Schema):
    id: int
    owner: str
    what: str
    due_on: date
    status: str


def _hrpm_out(hrpm: Hrpm) -> HrpmOut:
    hrpm.refresh_from_db()
    return HrpmOut(
        id=hrpm.pk,
        child_id=hrpm.child_id,
        state=hrpm.state,
        risk_assessment=hrpm.risk_assessment,
        first_meeting_on=hrpm.first_meeting_on,
        meetings=sorted(hrpm.meetings.values_list("number", flat=True)),
        version=hrpm.version,
    )


def _hrpm(request: HttpRequest, hrpm_id: int) -> tuple[Professional, Hrpm | None]:
    return visible_one(request, hrpms_visible_to, hrpm_id, "child", "partnership")


@router.post(
    "/hrpm",
    response={201: HrpmOut, **ERRORS},
    operation_id="hrpm_start",
    summary="Start a High Risk Planning Meeting for a child in care",
)
def hrpm_start(request: HttpRequest, payload: HrpmIn) -> Status[Any]:
    user = acting_user(request)
    child = children_visible_to(user=user).filter(pk=payload.child_id).first()
    if child is None:
        return error(400, f"Unknown child {payload.child_id}", "child_id")
    if not works_cases(user=user, partnership=child.partnership_id):
        return error(403, NOT_SOCIAL_CARE)
    return answer(
        201,
        lambda: _hrpm_out(
            hrpm_create(
                child=child,
                risk_assessment=payload.risk_assessment,
                young_persons_view=payload.young_persons_view,
                first_meeting_on=payload.first_meeting_on,
                by=user,
                now=timezone.now(),
            )
        ),
    )


@router.get(
    "/hrpm/{hrpm_id}",
    response={200: HrpmOut, **READ_ERRORS},
    operation_id="hrpm_read",
    summary="Read a High Risk Planning Meeting",
)
def hrpm_read(request: HttpRequest, hrpm_id: PathId) -> Status[Any]:
    user, hrpm = _hrpm(request, hrpm_id)
    if hrpm is None:
        return error(404, HRPM_NOT_FOUND)
    audit_look(request, user, hrpm, [hrpm.child], "Viewed a High Risk Planning Meeting")
    return Status(200, _hrpm_out(hrpm))


@router.post(
    "/hrpm/{hrpm_id}/meetings",
    response={201: MeetingOut, **ERRORS},
    operation_id="hrpm_meeting_record",
    summary="Record a meeting: who came, the young person's view, the risk and the safety plan",
)
def hrpm_meeting(request: HttpRequest, hrpm_id: PathId, payload: MeetingIn) -> Status[Any]:
    def call(user: Professional, found: Hrpm) -> MeetingOut:
        meeting = hrpm_meeting_record(
            hrpm=found,
            held_at=payload.held_at,
            attendees=people_of(found.partnership, payload.attendee_ids, "attendee_ids"),
            young_person_attended=payload.young_person_attended,
            young_person_absent_reason=payload.young_person_absent_reason,
            young_persons_view=payload.young_persons_view,
            risk_assessment=payload.risk_assessment,
            safety_plan=payload.safety_plan,
            next_meeting_on=payload.next_meeting_on,
            by=user,
            now=timezone.now(),
            expected_version=payload.expected_version,
        )
        return MeetingOut(
            hrpm_id=found.pk,
            number=meeting.number,
            held_at=meeting.held_at,
            next_meeting_on=meeting.next_meeting_on,
        )

    return acted(_hrpm(request, hrpm_id), HRPM_NOT_FOUND, call, refusal=_worker_refusal, status=201)


def _worker_refusal(user: Professional, hrpm: Hrpm) -> Status[Any] | None:
    if not works_cases(user=user, partnership=hrpm.partnership_id):
        return error(403, NOT_SOCIAL_CARE)
    return None


def _owner(hrpm: Hrpm, kind: str, pk: int) -> Professional | Agency:
    """Whom an action is for: someone, or an agency, of the HRPM's partnership."""
    if kind == "person":
        return people_of(hrpm.partnership, [pk], "owner_id")[0]
    agency = Agency.objects.filter(pk=pk, partnerships=hrpm.partnership_id).first()
    if kind != "agency" or agency is None:
        raise Invalid(
            "Choose who will do it: a person or agency of the partnership", field="owner_id"
        )
    return agency


@router.post(
    "/hrpm/{hrpm_id}/meetings/{number}/actions",
    response={201: HrpmActionOut, **ERRORS},
    operation_id="hrpm_action_add",
    summary="Add an action to a meeting's safety plan",
)
def hrpm_action_add(
    request: HttpRequest, hrpm_id: PathId, number: PathId, payload: HrpmActionIn
) -> Status[Any]:
    user, hrpm = _hrpm(request, hrpm_id)
    meetings = HrpmMeeting.objects.select_related("hrpm__partnership")
    meeting = meetings.filter(hrpm=hrpm, number=number).first() if hrpm else None

    def call(user: Professional, at: HrpmMeeting) -> HrpmActionOut:
        action = services.hrpm_action_add(
            meeting=at,
            owner=_owner(at.hrpm, payload.owner_kind, payload.owner_id),
            what=payload.what,
            due_on=payload.due_on,
            by=user,
            now=timezone.now(),
        )
        return HrpmActionOut(
            id=action.pk,
            owner=action.owner_name,
            what=action.what,
            due_on=action.due_on,
            status=action.status,
        )

    return acted((user, meeting), HRPM_NOT_FOUND, call, refusal=_meeting_refusal, status=201)


def _meeting_refusal(user: Professional, meeting: HrpmMeeting) -> Status[Any] | None:
    return _worker_refusal(user, meeting.hrpm)
