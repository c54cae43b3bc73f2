"""R000.2c: after the care plan review, a manager decides whether an HRPM is needed."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.core.errors import Conflict, Invalid
from convene.followup.actions.services import action_update
from convene.followup.enquiries.services.steps import check_manager, for_change, on_route, save
from convene.followup.hrpm.services import hrpm_create
from convene.followup.models import CarePlanReview, HrpmDecision, S47Enquiry
from convene.followup.vocab import ActionProgress, Route
from convene.people.models import Professional
from convene.records.models import Action


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
    enquiry = for_change(
        enquiry,
        check=lambda: check_manager(
            by, enquiry, "decides whether a High Risk Planning Meeting is needed"
        ),
        now=now,
    )
    on_route(enquiry, Route.CARE_PLAN_REVIEW)
    if HrpmDecision.objects.filter(enquiry=enquiry).exists():
        raise Conflict("The HRPM decision has already been recorded")
    review = CarePlanReview.objects.filter(enquiry=enquiry).first()
    if review is None:
        raise Conflict(
            "Record the care plan review first: its risk assessment and the young person's "
            "view inform the decision"
        )
    reasons = reasons.strip()
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
    audit_record_children(
        actor=by,
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
    save(enquiry, by, [])
    return decision
