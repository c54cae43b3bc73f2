"""The S47 outcome (R003.9) and, for continuing risk of a child in need, the ICPC it requests."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.clocks.models import Clock
from convene.clocks.services import clock_waive
from convene.core.errors import Conflict, Invalid
from convene.discussions.models import Discussion
from convene.followup.enquiries.selectors import discussion_clocks
from convene.followup.enquiries.services.steps import (
    State,
    check_worker,
    clock_for,
    decided_at,
    for_change,
    save,
)
from convene.followup.models import Icpc, S47Enquiry
from convene.followup.vocab import (
    S47_OUTCOME_LABELS,
    IcpcState,
    Route,
    S47Outcome,
    continuing_risk_route,
)
from convene.people.models import Child, Professional
from convene.people.vocab import LegalStatus
from convene.policy.vocab import ClockKind, Decision


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
    audit_record_children(
        actor=by,
        action=AuditAction.CREATE,
        obj=icpc,
        summary=f"Requested initial child protection conference {icpc.reference}",
        children=[enquiry.child],
    )
    clock_for(
        discussion=discussion,
        kind=ClockKind.ICPC,
        children=[enquiry.child],
        decision=Decision(enquiry.record_version.decision),
        decided_at=decided_at(enquiry),
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
    enquiry = for_change(
        enquiry, check=lambda: check_worker(by, enquiry), now=now, expected_version=expected_version
    )
    if enquiry.state == State.STARTED:
        raise Conflict("Record the visit before the outcome")
    if enquiry.state != State.VISITED:
        raise Conflict("The outcome has already been recorded")
    if outcome not in {o.value for o in S47Outcome}:
        raise Invalid("Select the outcome of the enquiry", field="outcome")
    chosen = S47Outcome(outcome)
    reasons = reasons.strip()
    if not reasons:
        raise Invalid("Enter the reasons for the outcome", field="reasons")
    other_service = other_service.strip()
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
    save(
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
    audit_record_children(
        actor=by,
        action=AuditAction.CHANGE,
        obj=enquiry,
        summary=f"Recorded the outcome of S47 enquiry {enquiry.reference}: "
        f"{S47_OUTCOME_LABELS[chosen]}",
        children=[enquiry.child],
    )
    _waive_icpc_if_none_needed(enquiry.discussion, by, now)
    return enquiry
