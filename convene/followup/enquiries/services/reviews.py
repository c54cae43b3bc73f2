"""What follows a S47 outcome of continuing risk: the core group review (R000.2b) and
the care plan review (R000.2c)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.core.errors import Conflict, Invalid, require_aware
from convene.followup.enquiries.services.steps import (
    check_day,
    check_manager,
    check_worker,
    for_change,
    on_route,
    save,
)
from convene.followup.models import CarePlanReview, CoreGroupReview, S47Enquiry
from convene.followup.vocab import Route
from convene.people.models import Professional


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
    enquiry = for_change(enquiry, check=lambda: check_worker(by, enquiry), now=now)
    on_route(enquiry, Route.CORE_GROUP_REVIEW)
    if CoreGroupReview.objects.filter(enquiry=enquiry).exists():
        raise Conflict("The core group review has already been recorded")
    check_day(held_on, enquiry, now, "held_on")
    if not risk_considered.strip():
        raise Invalid("Enter the core group's view of the ongoing risk", field="risk_considered")
    if not plan_changes.strip():
        raise Invalid("Enter how the child protection plan was updated", field="plan_changes")
    review = CoreGroupReview.objects.create(
        enquiry=enquiry,
        held_on=held_on,
        risk_considered=risk_considered.strip(),
        plan_changes=plan_changes.strip(),
        created_by=by,
        modified_by=by,
    )
    audit_record_children(
        actor=by,
        action=AuditAction.CREATE,
        obj=review,
        summary=f"Recorded the core group review after S47 enquiry {enquiry.reference}",
        children=[enquiry.child],
    )
    save(enquiry, by, [])
    return review


@transaction.atomic
def core_group_review_oversee(
    *, review: CoreGroupReview, note: str, by: Professional, now: datetime
) -> CoreGroupReview:
    """R000.2b: a manager records management oversight of the updated CP plan."""
    require_aware(now, "now")
    review = CoreGroupReview.objects.select_for_update().select_related("enquiry").get(pk=review.pk)
    check_manager(by, review.enquiry, "records management oversight")
    if review.oversight_at is not None:
        raise Conflict(f"Management oversight was recorded by {review.oversight_by}")
    if not note.strip():
        raise Invalid("Enter the manager's oversight of the updated plan", field="note")
    review.oversight_by = by
    review.oversight_at = now
    review.oversight_note = note.strip()
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
    audit_record_children(
        actor=by,
        action=AuditAction.CHANGE,
        obj=review,
        summary=f"Recorded management oversight after S47 enquiry {review.enquiry.reference}",
        children=[review.enquiry.child],
    )
    return review


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
    enquiry = for_change(enquiry, check=lambda: check_worker(by, enquiry), now=now)
    on_route(enquiry, Route.CARE_PLAN_REVIEW)
    if CarePlanReview.objects.filter(enquiry=enquiry).exists():
        raise Conflict("The care plan review has already been recorded")
    check_day(reviewed_on, enquiry, now, "reviewed_on")
    if not plan_changes.strip():
        raise Invalid("Enter how the care plan was updated", field="plan_changes")
    if not risk_assessment.strip():
        raise Invalid("Enter the stand-alone risk assessment", field="risk_assessment")
    if not young_persons_view.strip():
        raise Invalid(
            "Enter the young person's own view of the risk: it is central to the review",
            field="young_persons_view",
        )
    review = CarePlanReview.objects.create(
        enquiry=enquiry,
        reviewed_on=reviewed_on,
        plan_changes=plan_changes.strip(),
        risk_assessment=risk_assessment.strip(),
        young_persons_view=young_persons_view.strip(),
        created_by=by,
        modified_by=by,
    )
    audit_record_children(
        actor=by,
        action=AuditAction.CREATE,
        obj=review,
        summary=f"Recorded the care plan review after S47 enquiry {enquiry.reference}",
        children=[enquiry.child],
    )
    save(enquiry, by, [])
    return review
