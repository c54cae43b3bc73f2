"""What follows a S47 outcome of continuing risk: the core group review (R000.2b) and
the care plan review (R000.2c)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.core.errors import Conflict, Invalid, require_aware, require_filled
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

# The route each review follows (R000.2b, R000.2c).
_ROUTE_OF: dict[type[CoreGroupReview] | type[CarePlanReview], Route] = {
    CoreGroupReview: Route.CORE_GROUP_REVIEW,
    CarePlanReview: Route.CARE_PLAN_REVIEW,
}


def _reviewing(
    review: type[CoreGroupReview] | type[CarePlanReview],
    enquiry: S47Enquiry,
    by: Professional,
    now: datetime,
    day: date,
    day_field: str,
) -> S47Enquiry:
    """The enquiry, locked, for a social worker to record the review its route asks for, on
    ``day``; refused off that route, when the review is already recorded, or on a bad day."""
    enquiry = for_change(enquiry, check=lambda: check_worker(by, enquiry), now=now)
    on_route(enquiry, _ROUTE_OF[review])
    if review.objects.filter(enquiry=enquiry).exists():
        raise Conflict(f"The {review._meta.verbose_name} has already been recorded")
    check_day(day, enquiry, now, day_field)
    return enquiry


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
    enquiry = _reviewing(CoreGroupReview, enquiry, by, now, held_on, "held_on")
    require_filled(
        risk_considered=(risk_considered, "Enter the core group's view of the ongoing risk"),
        plan_changes=(plan_changes, "Enter how the child protection plan was updated"),
    )
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
    enquiry = _reviewing(CarePlanReview, enquiry, by, now, reviewed_on, "reviewed_on")
    require_filled(
        plan_changes=(plan_changes, "Enter how the care plan was updated"),
        risk_assessment=(risk_assessment, "Enter the stand-alone risk assessment"),
        young_persons_view=(
            young_persons_view,
            "Enter the young person's own view of the risk: it is central to the review",
        ),
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
