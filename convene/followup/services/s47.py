"""S47 enquiries: start from an authorised S47 decision, visit, outcome, what follows, close.

One enquiry per child of the deciding discussion. The clocks are the discussion's, started
by the record when the decision was authorised: the 24-hour visit (R003.8) and the
15-working-day ICPC (R002.12). These services meet them (never a second clock for one
timescale); only where the record started none (the pack set none when it was authorised,
or the record predates each child's own facts) do they start one, computed the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction

from convene.clocks.models import Clock
from convene.clocks.services import clock_meet, clock_waive
from convene.core.errors import Conflict, Invalid, NotAllowed, stale
from convene.discussions.models import Discussion
from convene.followup.census import check_no_open_s47
from convene.followup.models import (
    CarePlanReview,
    CoreGroupReview,
    HrpmDecision,
    Icpc,
    S47Enquiry,
)
from convene.followup.selectors import discussion_clocks, manages_cases, works_cases
from convene.followup.services._common import (
    AuditAction,
    audit,
    aware,
    governing_deadline,
    start_clock,
    text,
)
from convene.followup.services.actions import action_update
from convene.followup.services.hrpm import hrpm_create
from convene.followup.vocab import (
    S47_OUTCOME_LABELS,
    ActionProgress,
    IcpcState,
    Route,
    S47Lead,
    S47Outcome,
    S47State,
    continuing_risk_route,
)
from convene.people.models import Child, Professional
from convene.people.vocab import AgencyKind, LegalStatus
from convene.policy.vocab import ClockKind, Decision, Pathway, StartEvent
from convene.records.models import Action, RecordVersion
from convene.referrals.policy import case_facts, pack_for
from convene.workdays import london_date

__all__ = [
    "care_plan_review_record",
    "core_group_review_oversee",
    "core_group_review_record",
    "hrpm_decide",
    "s47_enquiries_start",
    "s47_enquiry_close",
    "s47_outcome_record",
    "s47_visit_record",
]

State = S47State
_DECIDED = (
    Discussion.State.AUTHORISED,
    Discussion.State.DISTRIBUTED,
    Discussion.State.CONFIRMED,
)


# --- helpers -----------------------------------------------------------------------------


def _check_worker(by: Professional, enquiry: S47Enquiry) -> None:
    if not works_cases(user=by, partnership=enquiry.partnership_id):
        raise NotAllowed(
            "Only a social worker or manager of the partnership's children's social care "
            "carries out S47 enquiries"
        )


def _check_manager(by: Professional, enquiry: S47Enquiry, what: str) -> None:
    if not manages_cases(user=by, partnership=enquiry.partnership_id):
        raise NotAllowed(
            f"Only a social care manager (deputy team manager, team manager or head of "
            f"service) {what}"
        )


def _locked(enquiry: S47Enquiry, expected_version: int | None, now: datetime) -> S47Enquiry:
    current = (
        S47Enquiry.objects.select_for_update()
        .select_related("discussion", "child", "record_version__record")
        .get(pk=enquiry.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise stale(
            noun="S47 enquiry",
            changed_by=current.modified_by,
            changed_at=current.modified_at,
            now=now,
        )
    return current


def _save(enquiry: S47Enquiry, by: Professional, fields: Sequence[str]) -> None:
    enquiry.version += 1
    enquiry.modified_by = by
    enquiry.save(update_fields=[*fields, "version", "modified_by", "modified_at"])


def _decided_at(enquiry_or_version: S47Enquiry | RecordVersion) -> datetime:
    """When the discussion that decided the S47 was held: the `s47_decided` event (R002.12)."""
    version = (
        enquiry_or_version.record_version
        if isinstance(enquiry_or_version, S47Enquiry)
        else enquiry_or_version
    )
    return version.record.held_at


def _clock_for(
    *,
    discussion: Discussion,
    kind: ClockKind,
    children: Sequence[Child],
    decision: Decision,
    decided_at: datetime,
    by: Professional,
) -> Clock | None:
    """The discussion's clock of ``kind`` (the record's), or one started now if it has none.

    Facts are the children's own (a child in need among siblings in care still gets
    the ICPC timescale, R000.2a), built by the referral's one facts builder.
    """
    existing = discussion_clocks(discussion=discussion, kinds=[kind])
    if existing:
        return existing[0]
    referral = discussion.referral
    pack = pack_for(referral)
    facts = dataclasses.replace(
        case_facts(referral, list(children), pathway=Pathway(discussion.kind)),
        decision=decision,
    )
    deadline = governing_deadline(
        pack=pack, facts=facts, kind=kind, events={StartEvent.S47_DECIDED: decided_at}
    )
    if deadline is None:
        return None
    return start_clock(
        partnership=discussion.partnership,
        subject=discussion,
        deadline=deadline,
        pack=pack,
        started_at=decided_at,
        by=by,
    )


def _meet(clock: Clock | None, *, at: datetime, by: Professional) -> None:
    if clock is not None and clock.state in {Clock.State.PENDING, Clock.State.BREACHED}:
        clock_meet(clock=clock, at=max(at, clock.started_at), by=by)


# --- starting ------------------------------------------------------------------------------


@transaction.atomic
def s47_enquiries_start(
    *, version: RecordVersion, by: Professional, now: datetime
) -> list[S47Enquiry]:
    """Start one S47 enquiry per child from an authorised S47 decision (single or joint).

    The version must be the record's latest: a correction that changed the
    decision away from S47 starts nothing. Children already under an enquiry
    from this discussion are skipped; with none left it is refused.
    """
    aware(now, "now")
    version = RecordVersion.objects.select_related(
        "record__discussion__referral", "record__discussion__partnership"
    ).get(pk=version.pk)
    record = version.record
    discussion = Discussion.objects.select_for_update().get(pk=record.discussion_id)
    if not works_cases(user=by, partnership=discussion.partnership_id):
        raise NotAllowed(
            "Only a social worker or manager of the partnership's children's social care "
            "starts S47 enquiries"
        )
    decision = Decision(version.decision)
    if not decision.starts_s47:
        raise Conflict(
            f"The decision of {discussion.reference} is not a S47 enquiry: nothing to start"
        )
    if record.latest_number != version.number or record.draft_open:
        raise Conflict(
            f"{discussion.reference}'s record is being corrected or has a newer version: start "
            "the enquiry from the authorised version in force"
        )
    if discussion.state not in _DECIDED:
        raise Conflict(f"{discussion.reference} has not been authorised")
    started = set(discussion.s47_enquiries.values_list("child_id", flat=True))
    children = [c for c in discussion.children.order_by("pk") if c.pk not in started]
    if not children:
        raise Conflict(f"The S47 enquiries of {discussion.reference} have already started")
    check_no_open_s47(children, exclude_discussion=discussion.pk)  # before anything is written
    lead = S47Lead.JOINT if decision == Decision.S47_JOINT else S47Lead.SINGLE_AGENCY
    enquiries = [
        S47Enquiry.objects.create(
            partnership=discussion.partnership,
            discussion=discussion,
            record_version=version,
            child=child,
            lead=lead.value,
            started_at=now,
            created_by=by,
            modified_by=by,
        )
        for child in children
    ]
    for enquiry in enquiries:
        audit(
            by=by,
            action=AuditAction.CREATE,
            obj=enquiry,
            summary=f"Started S47 enquiry {enquiry.reference} from {discussion.reference}",
            children=[enquiry.child],
        )
    # The record started the 24-hour visit clock when it authorised the decision (R003.8);
    # where it did not, start it now under the same rule, never a second one.
    _clock_for(
        discussion=discussion,
        kind=ClockKind.S47_VISIT,
        children=children,
        decision=decision,
        decided_at=record.held_at,
        by=by,
    )
    return enquiries


# --- the visit ----------------------------------------------------------------------------


@transaction.atomic
def s47_visit_record(
    *,
    enquiry: S47Enquiry,
    visited_at: datetime,
    visitors: Sequence[Professional],
    seen_alone: bool,
    not_seen_alone_reason: str = "",
    notes: str = "",
    by: Professional,
    now: datetime,
    expected_version: int | None = None,
) -> S47Enquiry:
    """Record the visit: when, who, whether the child was seen alone and, if not, why.

    Once every child of the discussion has been visited, the discussion's 24-hour
    visit clock (R003.8) is met at the last visit: on time within 24 hours of the
    discussion, late after.
    """
    aware(visited_at, "visited_at")
    aware(now, "now")
    _check_worker(by, enquiry)
    enquiry = _locked(enquiry, expected_version, now)
    if enquiry.state != State.STARTED:
        raise Conflict("The visit has already been recorded")
    if visited_at > now:
        raise Invalid("The visit cannot be in the future", field="visited_at")
    if visited_at < _decided_at(enquiry):
        raise Invalid(
            "The visit must be after the strategy discussion that decided the S47 enquiry",
            field="visited_at",
        )
    people: list[Professional] = []
    for person in visitors:
        agency = person.agency
        if agency is None or not agency.partnerships.filter(pk=enquiry.partnership_id).exists():
            raise Invalid(
                f"{person} is not a professional of the partnership's agencies", field="visitors"
            )
        if all(p.pk != person.pk for p in people):
            people.append(person)
    if not any(p.agency is not None and p.agency.kind == AgencyKind.SOCIAL_CARE for p in people):
        raise Invalid(
            "Children's social care visits: record the social worker who visited",
            field="visitors",
        )
    reason = text(not_seen_alone_reason)
    if not seen_alone and not reason:
        raise Invalid("Say why the child was not seen alone", field="not_seen_alone_reason")
    enquiry.visited_at = visited_at
    enquiry.seen_alone = seen_alone
    enquiry.not_seen_alone_reason = "" if seen_alone else reason
    enquiry.visit_notes = text(notes)
    enquiry.state = State.VISITED
    _save(
        enquiry, by, ["visited_at", "seen_alone", "not_seen_alone_reason", "visit_notes", "state"]
    )
    enquiry.visitors.set(people)
    audit(
        by=by,
        action=AuditAction.CHANGE,
        obj=enquiry,
        summary=f"Recorded the visit of S47 enquiry {enquiry.reference}",
        children=[enquiry.child],
    )
    siblings = S47Enquiry.objects.filter(discussion=enquiry.discussion_id)
    if not siblings.filter(state=State.STARTED).exists():
        last = max(e.visited_at for e in siblings if e.visited_at is not None)
        clocks = discussion_clocks(discussion=enquiry.discussion, kinds=[ClockKind.S47_VISIT])
        _meet(clocks[0] if clocks else None, at=last, by=by)
    return enquiry


# --- the outcome ----------------------------------------------------------------------------


def _request_icpc(enquiry: S47Enquiry, by: Professional, now: datetime) -> Icpc:
    """R003.9, R000.2a: the discussion's open ICPC, or a new one, with its 15-day clock."""
    discussion = enquiry.discussion
    icpc = (
        Icpc.objects.select_for_update()
        .filter(discussion=discussion)
        .exclude(state=IcpcState.HELD)
        .first()
    )
    if icpc is None:
        icpc = Icpc.objects.create(
            partnership=discussion.partnership,
            discussion=discussion,
            requested_at=now,
            requested_by=by,
            created_by=by,
            modified_by=by,
        )
    audit(
        by=by,
        action=AuditAction.CREATE,
        obj=icpc,
        summary=f"Requested initial child protection conference {icpc.reference}",
        children=[enquiry.child],
    )
    _clock_for(
        discussion=discussion,
        kind=ClockKind.ICPC,
        children=[enquiry.child],
        decision=Decision(enquiry.record_version.decision),
        decided_at=_decided_at(enquiry),
        by=by,
    )
    return icpc


def _waive_icpc_if_none_needed(discussion: Discussion, by: Professional, now: datetime) -> None:
    """Every child's outcome is in and none went to an ICPC: the ICPC clock no longer applies."""
    enquiries = list(S47Enquiry.objects.filter(discussion=discussion).select_related("child"))
    if any(e.outcome == "" for e in enquiries) or any(e.route == Route.ICPC for e in enquiries):
        return
    outcomes = "; ".join(
        f"{e.child.full_name}: {S47_OUTCOME_LABELS[S47Outcome(e.outcome)].lower()}"
        for e in enquiries
    )
    for clock in discussion_clocks(discussion=discussion, kinds=[ClockKind.ICPC]):
        if clock.state in {Clock.State.PENDING, Clock.State.BREACHED}:
            clock_waive(
                clock=clock,
                reason=f"The S47 enquiries concluded without an ICPC ({outcomes})",
                at=now,
                by=by,
            )


@transaction.atomic
def s47_outcome_record(
    *,
    enquiry: S47Enquiry,
    outcome: str,
    reasons: str,
    other_service: str = "",
    by: Professional,
    now: datetime,
    expected_version: int | None = None,
) -> S47Enquiry:
    """Record the outcome (R003.9). Continuing risk of significant harm goes, by the child's
    legal status now (R000.2): a child in need (or no status) to an ICPC, requested here;
    a child on a CP plan to a core group review; a child in care to a care plan review and
    an HRPM decision."""
    aware(now, "now")
    _check_worker(by, enquiry)
    enquiry = _locked(enquiry, expected_version, now)
    if enquiry.state == State.STARTED:
        raise Conflict("Record the visit before the outcome")
    if enquiry.state != State.VISITED:
        raise Conflict("The outcome has already been recorded")
    if outcome not in {o.value for o in S47Outcome}:
        raise Invalid("Select the outcome of the enquiry", field="outcome")
    chosen = S47Outcome(outcome)
    reasons = text(reasons)
    if not reasons:
        raise Invalid("Enter the reasons for the outcome", field="reasons")
    other_service = text(other_service)
    if chosen == S47Outcome.REFERRAL_TO_OTHER_SERVICE and not other_service:
        raise Invalid("Enter the service the family is referred to", field="other_service")
    status = LegalStatus(Child.objects.get(pk=enquiry.child_id).legal_status)
    enquiry.outcome = chosen.value
    enquiry.outcome_reasons = reasons
    enquiry.other_service = other_service if chosen == S47Outcome.REFERRAL_TO_OTHER_SERVICE else ""
    enquiry.legal_status_at_outcome = status.value
    enquiry.route = (
        continuing_risk_route(status).value if chosen == S47Outcome.SIGNIFICANT_HARM else ""
    )
    enquiry.outcome_at = now
    enquiry.outcome_by = by
    enquiry.state = State.OUTCOME_RECORDED
    if enquiry.route == Route.ICPC:
        enquiry.icpc = _request_icpc(enquiry, by, now)
    _save(
        enquiry,
        by,
        [
            "outcome",
            "outcome_reasons",
            "other_service",
            "legal_status_at_outcome",
            "route",
            "outcome_at",
            "outcome_by",
            "state",
            "icpc",
        ],
    )
    audit(
        by=by,
        action=AuditAction.CHANGE,
        obj=enquiry,
        summary=f"Recorded the outcome of S47 enquiry {enquiry.reference}: "
        f"{S47_OUTCOME_LABELS[chosen]}",
        children=[enquiry.child],
    )
    _waive_icpc_if_none_needed(enquiry.discussion, by, now)
    return enquiry


def _on_route(enquiry: S47Enquiry, route: Route) -> None:
    if enquiry.state != State.OUTCOME_RECORDED or enquiry.route != route:
        raise Conflict(
            "This step follows a S47 outcome of continuing risk for a child "
            + {
                Route.ICPC: "in need",
                Route.CORE_GROUP_REVIEW: "on a child protection plan",
                Route.CARE_PLAN_REVIEW: "in care",
            }[route]
        )


def _check_day(day: date, enquiry: S47Enquiry, now: datetime, field: str) -> None:
    if day > london_date(now):
        raise Invalid("The date cannot be in the future", field=field)
    if day < london_date(_decided_at(enquiry)):
        raise Invalid("The date must be after the strategy discussion", field=field)


# --- (b) child on a child protection plan: core group review --------------------------------


@transaction.atomic
def core_group_review_record(
    *,
    enquiry: S47Enquiry,
    held_on: date,
    risk_considered: str,
    plan_changes: str,
    by: Professional,
    now: datetime,
) -> CoreGroupReview:
    """R000.2b: the core group considered the ongoing risk; how the CP plan was updated."""
    aware(now, "now")
    _check_worker(by, enquiry)
    enquiry = _locked(enquiry, None, now)
    _on_route(enquiry, Route.CORE_GROUP_REVIEW)
    if CoreGroupReview.objects.filter(enquiry=enquiry).exists():
        raise Conflict("The core group review has already been recorded")
    _check_day(held_on, enquiry, now, "held_on")
    if not text(risk_considered):
        raise Invalid("Enter the core group's view of the ongoing risk", field="risk_considered")
    if not text(plan_changes):
        raise Invalid("Enter how the child protection plan was updated", field="plan_changes")
    review = CoreGroupReview.objects.create(
        enquiry=enquiry,
        held_on=held_on,
        risk_considered=text(risk_considered),
        plan_changes=text(plan_changes),
        created_by=by,
        modified_by=by,
    )
    audit(
        by=by,
        action=AuditAction.CREATE,
        obj=review,
        summary=f"Recorded the core group review after S47 enquiry {enquiry.reference}",
        children=[enquiry.child],
    )
    _save(enquiry, by, [])
    return review


@transaction.atomic
def core_group_review_oversee(
    *, review: CoreGroupReview, note: str, by: Professional, now: datetime
) -> CoreGroupReview:
    """R000.2b: a manager records management oversight of the updated CP plan."""
    aware(now, "now")
    review = CoreGroupReview.objects.select_for_update().select_related("enquiry").get(pk=review.pk)
    _check_manager(by, review.enquiry, "records management oversight")
    if review.oversight_at is not None:
        raise Conflict(f"Management oversight was recorded by {review.oversight_by}")
    if not text(note):
        raise Invalid("Enter the manager's oversight of the updated plan", field="note")
    review.oversight_by = by
    review.oversight_at = now
    review.oversight_note = text(note)
    review.modified_by = by
    review.save(
        update_fields=[
            "oversight_by",
            "oversight_at",
            "oversight_note",
            "modified_by",
            "modified_at",
        ]
    )
    audit(
        by=by,
        action=AuditAction.CHANGE,
        obj=review,
        summary=f"Recorded management oversight after S47 enquiry {review.enquiry.reference}",
        children=[review.enquiry.child],
    )
    return review


# --- (c) child in care: care plan review and HRPM decision ----------------------------------


@transaction.atomic
def care_plan_review_record(
    *,
    enquiry: S47Enquiry,
    reviewed_on: date,
    plan_changes: str,
    risk_assessment: str,
    young_persons_view: str,
    by: Professional,
    now: datetime,
) -> CarePlanReview:
    """R000.2c, R000.3: the care plan reviewed and updated, a stand-alone risk assessment, and
    the young person's own view of the risk (required: it is central)."""
    aware(now, "now")
    _check_worker(by, enquiry)
    enquiry = _locked(enquiry, None, now)
    _on_route(enquiry, Route.CARE_PLAN_REVIEW)
    if CarePlanReview.objects.filter(enquiry=enquiry).exists():
        raise Conflict("The care plan review has already been recorded")
    _check_day(reviewed_on, enquiry, now, "reviewed_on")
    if not text(plan_changes):
        raise Invalid("Enter how the care plan was updated", field="plan_changes")
    if not text(risk_assessment):
        raise Invalid("Enter the stand-alone risk assessment", field="risk_assessment")
    if not text(young_persons_view):
        raise Invalid(
            "Enter the young person's own view of the risk: it is central to the review",
            field="young_persons_view",
        )
    review = CarePlanReview.objects.create(
        enquiry=enquiry,
        reviewed_on=reviewed_on,
        plan_changes=text(plan_changes),
        risk_assessment=text(risk_assessment),
        young_persons_view=text(young_persons_view),
        created_by=by,
        modified_by=by,
    )
    audit(
        by=by,
        action=AuditAction.CREATE,
        obj=review,
        summary=f"Recorded the care plan review after S47 enquiry {enquiry.reference}",
        children=[enquiry.child],
    )
    _save(enquiry, by, [])
    return review


def _close_hrpm_consideration(
    enquiry: S47Enquiry, note: str, by: Professional, now: datetime
) -> None:
    """The record's "consider whether an HRPM is needed" task (R001.14) is answered."""
    for action in Action.objects.filter(
        record=enquiry.record_version.record_id, kind=Action.Kind.HRPM, status=Action.Status.OPEN
    ):
        action_update(action=action, status=ActionProgress.DONE, note=note, by=by, now=now)


@transaction.atomic
def hrpm_decide(
    *,
    enquiry: S47Enquiry,
    needed: bool,
    reasons: str,
    first_meeting_on: date | None = None,
    by: Professional,
    now: datetime,
) -> HrpmDecision:
    """R000.2c: a manager decides whether an HRPM is needed to oversee the ongoing risk.

    Needed: the HRPM starts from the care plan review's risk assessment and the
    young person's view (or the child's active HRPM is kept). Either way the
    record's HRPM consideration task, if any, is done.
    """
    aware(now, "now")
    _check_manager(by, enquiry, "decides whether a High Risk Planning Meeting is needed")
    enquiry = _locked(enquiry, None, now)
    _on_route(enquiry, Route.CARE_PLAN_REVIEW)
    if HrpmDecision.objects.filter(enquiry=enquiry).exists():
        raise Conflict("The HRPM decision has already been recorded")
    review = CarePlanReview.objects.filter(enquiry=enquiry).first()
    if review is None:
        raise Conflict(
            "Record the care plan review first: its risk assessment and the young person's "
            "view inform the decision"
        )
    reasons = text(reasons)
    if not reasons:
        raise Invalid("Enter the reasons for the decision", field="reasons")
    hrpm = None
    if needed:
        hrpm = enquiry.child.hrpms.filter(state="active").first() or hrpm_create(
            child=enquiry.child,
            risk_assessment=review.risk_assessment,
            young_persons_view=review.young_persons_view,
            first_meeting_on=first_meeting_on,
            referral=enquiry.discussion.referral,
            by=by,
            now=now,
        )
    decision = HrpmDecision.objects.create(
        enquiry=enquiry,
        needed=needed,
        reasons=reasons,
        decided_by=by,
        decided_at=now,
        hrpm=hrpm,
        created_by=by,
        modified_by=by,
    )
    audit(
        by=by,
        action=AuditAction.CREATE,
        obj=decision,
        summary=f"Decided an HRPM is {'needed' if needed else 'not needed'} after S47 enquiry "
        f"{enquiry.reference}",
        children=[enquiry.child],
    )
    _close_hrpm_consideration(
        enquiry,
        f"{'An HRPM is needed' if needed else 'No HRPM is needed'}: {reasons}",
        by,
        now,
    )
    _save(enquiry, by, [])
    return decision


# --- closing ------------------------------------------------------------------------------


def _follow_through_missing(enquiry: S47Enquiry) -> str | None:
    route = Route(enquiry.route) if enquiry.route else None
    if route == Route.ICPC:
        if enquiry.icpc is None or enquiry.icpc.state != IcpcState.HELD:
            return "the initial child protection conference has not been held"
    elif route == Route.CORE_GROUP_REVIEW:
        review = CoreGroupReview.objects.filter(enquiry=enquiry).first()
        if review is None:
            return "the core group review has not been recorded"
        if review.oversight_at is None:
            return "management oversight of the updated plan has not been recorded"
    elif route == Route.CARE_PLAN_REVIEW:
        if not CarePlanReview.objects.filter(enquiry=enquiry).exists():
            return "the care plan review has not been recorded"
        if not HrpmDecision.objects.filter(enquiry=enquiry).exists():
            return "the decision whether an HRPM is needed has not been recorded"
    return None


@transaction.atomic
def s47_enquiry_close(
    *, enquiry: S47Enquiry, note: str = "", by: Professional, now: datetime
) -> S47Enquiry:
    """A manager closes the enquiry once what its outcome leads to has been done."""
    aware(now, "now")
    _check_manager(by, enquiry, "closes a S47 enquiry")
    enquiry = _locked(enquiry, None, now)
    if enquiry.state == State.CLOSED:
        raise Conflict("This enquiry is already closed")
    if enquiry.state != State.OUTCOME_RECORDED:
        raise Conflict("Record the visit and the outcome before closing the enquiry")
    missing = _follow_through_missing(enquiry)
    if missing:
        raise Conflict(f"The enquiry cannot close yet: {missing}")
    enquiry.state = State.CLOSED
    enquiry.closed_at = now
    enquiry.closed_by = by
    enquiry.close_note = text(note)
    _save(enquiry, by, ["state", "closed_at", "closed_by", "close_note"])
    audit(
        by=by,
        action=AuditAction.CHANGE,
        obj=enquiry,
        summary=f"Closed S47 enquiry {enquiry.reference}",
        children=[enquiry.child],
    )
    return enquiry
