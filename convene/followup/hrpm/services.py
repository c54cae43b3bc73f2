"""High Risk Planning Meetings for a child in care (R000.3, R000.4).

A stand-alone risk assessment and the young person's own view of the risk
(required), monthly multi-agency meetings with the young person, a safety
plan with actions, and a next meeting that is a clock (the pack's monthly
timescale, clamped at the end of a shorter month).

R000.4: an HRPM never replaces a strategy discussion. These services start,
meet and waive only ``hrpm`` clocks of the series and ``action_due`` clocks of
its own actions (``_only_hrpm_clocks`` refuses anything else), so a convene-by
clock for a new concern about the child keeps running whatever the HRPM does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time

from django.db import transaction

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.clocks.deadlines import (
    clock_start_for_deadline,
    clocks_meet_open,
    clocks_open_of,
    governing_deadline,
)
from convene.clocks.services import clock_waive
from convene.core.errors import Conflict, Invalid, NotAllowed, require_aware
from convene.core.forms import london_datetime
from convene.core.versions import locked_for_change, save_as_next_version
from convene.followup.child_in_care import has_active_hrpm
from convene.followup.models import Hrpm, HrpmAction, HrpmMeeting
from convene.followup.roles import works_cases
from convene.people.models import Agency, Child, Professional
from convene.people.vocab import LEGAL_STATUS_LABELS, LegalStatus
from convene.policy import engine
from convene.policy.vocab import ClockKind, StartEvent
from convene.records.due import action_due_by
from convene.records.owning import owner_columns
from convene.referrals.models import Referral
from convene.referrals.policy import CasePolicy, case_policy
from convene.workdays import LONDON, london_date

__all__ = [
    "hrpm_action_add",
    "hrpm_create",
    "hrpm_end",
    "hrpm_meeting_record",
    "hrpm_next_deadline",
]

HRPM_CLOCKS = frozenset({ClockKind.HRPM})


def _only_hrpm_clocks(kinds: frozenset[ClockKind]) -> frozenset[ClockKind]:
    # R000.4: never a convene, record or S47 clock, whatever a caller passes.
    if not kinds <= HRPM_CLOCKS | {ClockKind.ACTION_DUE}:
        raise ValueError(f"An HRPM only moves its own clocks, not {sorted(kinds)}")
    return kinds


def _check_worker(by: Professional, hrpm_or_child: Hrpm | Child) -> None:
    if not works_cases(user=by, partnership=hrpm_or_child.partnership_id):
        raise NotAllowed(
            "Only a social worker or manager of the partnership's children's social care "
            "records High Risk Planning Meetings"
        )


def _for_change(
    hrpm: Hrpm,
    *,
    check: Callable[[], None],
    now: datetime,
    expected_version: int | None = None,
    moments: Mapping[str, datetime] | None = None,
) -> Hrpm:
    """The series, locked for a change ``check`` allows (``core.versions.locked_for_change``)."""
    return locked_for_change(
        hrpm,
        check=check,
        now=now,
        expected_version=expected_version,
        noun="HRPM",
        moments=moments,
    )


def _latest_referral(child: Child) -> Referral | None:
    return child.referrals.order_by("-received_at", "-pk").first()


def _case(hrpm: Hrpm) -> CasePolicy:
    """The series' case under its pack: built once per operation, passed to each step."""
    return case_policy(hrpm.referral, [hrpm.child])


def hrpm_next_deadline(*, case: CasePolicy, held_at: datetime) -> engine.Deadline | None:
    """The next meeting's deadline under the case's pack: monthly from ``held_at`` (R000.3)."""
    return governing_deadline(
        pack=case.pack,
        facts=case.facts,
        kind=ClockKind.HRPM,
        events={StartEvent.HRPM_HELD: held_at},
    )


@transaction.atomic
def hrpm_create(
    *,
    child: Child,
    risk_assessment: str,
    young_persons_view: str,
    first_meeting_on: date | None = None,
    referral: Referral | None = None,
    by: Professional,
    now: datetime,
) -> Hrpm:
    """Start an HRPM series for a child in care, with the stand-alone risk assessment and the
    young person's own view of the risk (R000.3); one active series per child."""
    require_aware(now, "now")
    _check_worker(by, child)
    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.legal_status != LegalStatus.CHILD_IN_CARE:
        status = LEGAL_STATUS_LABELS[LegalStatus(child.legal_status)].lower()
        raise Invalid(
            f"A High Risk Planning Meeting is for a child in care; {child.full_name}'s "
            f"legal status is {status}",
            field="child",
        )
    risk_assessment, young_persons_view = risk_assessment.strip(), young_persons_view.strip()
    if not risk_assessment:
        raise Invalid("Enter the stand-alone risk assessment", field="risk_assessment")
    if not young_persons_view:
        raise Invalid(
            "Enter the young person's own view of the risk: it is central to the HRPM",
            field="young_persons_view",
        )
    if first_meeting_on is not None and first_meeting_on < london_date(now):
        raise Invalid("The first meeting must be today or later", field="first_meeting_on")
    if has_active_hrpm(child=child):
        raise Conflict(f"{child.full_name} already has an active High Risk Planning Meeting")
    referral = referral or _latest_referral(child)
    if referral is None or referral.partnership_id != child.partnership_id:
        raise Invalid(
            f"{child.full_name} has no referral on record: an HRPM follows a S47 enquiry or a "
            "referral for ongoing risk",
            field="child",
        )
    hrpm = Hrpm.objects.create(
        partnership=child.partnership,
        child=child,
        referral=referral,
        risk_assessment=risk_assessment,
        young_persons_view=young_persons_view,
        first_meeting_on=first_meeting_on,
        created_by=by,
        modified_by=by,
    )
    audit_record_children(
        actor=by,
        action=AuditAction.CREATE,
        obj=hrpm,
        summary=f"Started High Risk Planning Meeting {hrpm.reference}",
        children=[child],
    )
    return hrpm


def _check_attendees(hrpm: Hrpm, attendees: Sequence[Professional]) -> list[Professional]:
    people: list[Professional] = []
    for person in attendees:
        agency = person.agency
        if (
            not person.is_active
            or agency is None
            or not agency.partnerships.filter(pk=hrpm.partnership_id).exists()
        ):
            raise Invalid(
                f"{person} is not a professional of the partnership's agencies", field="attendees"
            )
        if all(p.pk != person.pk for p in people):
            people.append(person)
    if len({p.agency_id for p in people}) < 2:
        raise Invalid(
            "An HRPM is a multi-agency forum: record professionals from at least two agencies",
            field="attendees",
        )
    return people


@transaction.atomic
def hrpm_meeting_record(
    *,
    hrpm: Hrpm,
    held_at: datetime,
    attendees: Sequence[Professional],
    young_person_attended: bool,
    young_person_absent_reason: str = "",
    young_persons_view: str,
    risk_assessment: str,
    safety_plan: str,
    next_meeting_on: date,
    by: Professional,
    now: datetime,
    expected_version: int | None = None,
) -> HrpmMeeting:
    """Record a meeting held: meets the clock for this meeting and starts the next one's.

    The next meeting is due monthly from this one under the pack (31 January →
    28 or 29 February); the date planned must be by then.
    """
    hrpm = _for_change(
        hrpm,
        check=lambda: _check_worker(by, hrpm),
        now=now,
        expected_version=expected_version,
        moments={"held_at": held_at},
    )
    if hrpm.state != Hrpm.State.ACTIVE:
        raise Conflict("This HRPM has ended: start a new one if the risk has returned")
    if held_at > now:
        raise Invalid("The meeting cannot be recorded before it is held", field="held_at")
    last = hrpm.meetings.order_by("-number").first()
    if last is not None and held_at <= last.held_at:
        raise Invalid("The meeting must be after the last one recorded", field="held_at")
    young_persons_view = young_persons_view.strip()
    if not young_persons_view:
        raise Invalid(
            "Enter the young person's own view of the risk: it is central to the HRPM",
            field="young_persons_view",
        )
    absent_reason = young_person_absent_reason.strip()
    if not young_person_attended and not absent_reason:
        raise Invalid(
            "The HRPM meets with the young person: say why they did not attend",
            field="young_person_absent_reason",
        )
    if not risk_assessment.strip():
        raise Invalid("Enter the updated risk assessment", field="risk_assessment")
    if not safety_plan.strip():
        raise Invalid(
            "Enter the safety plan: how it increases the young person's safety and mitigates "
            "the risk",
            field="safety_plan",
        )
    people = _check_attendees(hrpm, attendees)
    case = _case(hrpm)
    deadline = hrpm_next_deadline(case=case, held_at=held_at)
    held_on = london_date(held_at)
    if next_meeting_on <= held_on:
        raise Invalid("The next meeting must be after this one", field="next_meeting_on")
    if deadline is not None and next_meeting_on > london_date(deadline.due_at):
        due = deadline.due_at.astimezone(LONDON)
        raise Invalid(
            f"The HRPM meets monthly: plan the next meeting by {due:%A} {due.day} {due:%B %Y}",
            field="next_meeting_on",
        )

    meeting = HrpmMeeting.objects.create(
        hrpm=hrpm,
        number=(last.number + 1) if last else 1,
        held_at=held_at,
        young_person_attended=young_person_attended,
        young_person_absent_reason="" if young_person_attended else absent_reason,
        young_persons_view=young_persons_view,
        risk_assessment=risk_assessment.strip(),
        safety_plan=safety_plan.strip(),
        next_meeting_on=next_meeting_on,
        created_by=by,
        modified_by=by,
    )
    meeting.attendees.set(people)
    hrpm.risk_assessment = risk_assessment.strip()
    hrpm.young_persons_view = young_persons_view
    save_as_next_version(hrpm, by=by, fields=["risk_assessment", "young_persons_view"])
    clocks_meet_open(hrpm, _only_hrpm_clocks(HRPM_CLOCKS), at=held_at, by=by)
    if deadline is not None:
        clock_start_for_deadline(
            partnership=hrpm.partnership,
            subject=hrpm,
            deadline=deadline,
            pack=case.pack,
            started_at=held_at,
            by=by,
        )
    audit_record_children(
        actor=by,
        action=AuditAction.CREATE,
        obj=meeting,
        summary=f"Recorded meeting {meeting.number} of HRPM {hrpm.reference}",
        children=[hrpm.child],
    )
    return meeting


@transaction.atomic
def hrpm_action_add(
    *,
    meeting: HrpmMeeting,
    owner: Professional | Agency,
    what: str,
    due_on: date,
    by: Professional,
    now: datetime,
) -> HrpmAction:
    """Add an action to a meeting's safety plan; its due date is an ``action_due`` clock."""
    hrpm = _for_change(meeting.hrpm, check=lambda: _check_worker(by, meeting.hrpm), now=now)
    if hrpm.state != Hrpm.State.ACTIVE:
        raise Conflict("This HRPM has ended")
    if not what.strip():
        raise Invalid("Enter what is to be done", field="what")
    if due_on < london_date(meeting.held_at):
        raise Invalid("An action cannot be due before the meeting", field="due_on")
    if isinstance(owner, Professional):
        agency = owner.agency
        in_partnership = (
            owner.is_active
            and agency is not None
            and agency.partnerships.filter(pk=hrpm.partnership_id).exists()
        )
        owner_name = str(owner) + (f" ({agency.name})" if agency else "")
    else:
        in_partnership = owner.partnerships.filter(pk=hrpm.partnership_id).exists()
        owner_name = owner.name
    if not in_partnership:
        raise Invalid("Choose who the action is for from the partnership", field="owner")
    case = _case(hrpm)
    deadline = governing_deadline(
        pack=case.pack,
        facts=case.facts,
        kind=ClockKind.ACTION_DUE,
        events={StartEvent.ACTION_DUE_DATE: london_datetime(due_on, time.min)},
    )
    action = HrpmAction.objects.create(
        meeting=meeting,
        partnership_id=hrpm.partnership_id,  # records.owning
        **owner_columns(owner),
        owner_name=owner_name,
        what=what.strip(),
        due_on=due_on,
        due_by=action_due_by(due_on=due_on, clock_due_at=deadline.due_at if deadline else None),
        created_by=by,
        modified_by=by,
    )
    if deadline is not None:
        clock_start_for_deadline(
            partnership=hrpm.partnership,
            subject=action,
            deadline=deadline,
            pack=case.pack,
            started_at=now,
            by=by,
        )
    save_as_next_version(hrpm, by=by, fields=[])
    audit_record_children(
        actor=by,
        action=AuditAction.CREATE,
        obj=action,
        summary=f"Added a safety-plan action to HRPM {hrpm.reference}",
        children=[hrpm.child],
    )
    return action


@transaction.atomic
def hrpm_end(*, hrpm: Hrpm, reason: str, by: Professional, now: datetime) -> Hrpm:
    """End the series (the risk is managed elsewhere now); its meeting clock is waived with
    the reason. Open safety-plan actions stay open and tracked until done."""
    hrpm = _for_change(hrpm, check=lambda: _check_worker(by, hrpm), now=now)
    if hrpm.state != Hrpm.State.ACTIVE:
        raise Conflict("This HRPM has already ended")
    reason = reason.strip()
    if not reason:
        raise Invalid("Enter why the HRPM is no longer needed", field="reason")
    for clock in clocks_open_of(hrpm, _only_hrpm_clocks(HRPM_CLOCKS)):
        clock_waive(clock=clock, reason=f"HRPM ended: {reason}", at=now, by=by)
    hrpm.state = Hrpm.State.ENDED
    hrpm.ended_at = now
    hrpm.ended_by = by
    hrpm.end_reason = reason
    save_as_next_version(hrpm, by=by, fields=["state", "ended_at", "ended_by", "end_reason"])
    audit_record_children(
        actor=by,
        action=AuditAction.CHANGE,
        obj=hrpm,
        summary=f"Ended HRPM {hrpm.reference}: {reason}",
        children=[hrpm.child],
    )
    return hrpm
