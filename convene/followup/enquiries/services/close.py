"""Closing a S47 enquiry once what its outcome leads to has been done."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.core.errors import Conflict
from convene.followup.enquiries.services.steps import State, check_manager, for_change, save
from convene.followup.models import CarePlanReview, CoreGroupReview, HrpmDecision, S47Enquiry
from convene.followup.vocab import IcpcState, Route
from convene.people.models import Professional


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
    enquiry = for_change(
        enquiry, check=lambda: check_manager(by, enquiry, "closes a S47 enquiry"), now=now
    )
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
    enquiry.close_note = note.strip()
    save(enquiry, by, ["state", "closed_at", "closed_by", "close_note"])
    audit_record_children(
        actor=by,
        action=AuditAction.CHANGE,
        obj=enquiry,
        summary=f"Closed S47 enquiry {enquiry.reference}",
        children=[enquiry.child],
    )
    return enquiry
