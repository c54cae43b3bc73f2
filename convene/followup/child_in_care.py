"""What follows a S47 outcome of continuing risk for a child in care (R000.2c, R000.3), in
one place for the services, the pages and My work: the care plan review still to record,
the HRPM decision still to make, and whether an HRPM may be started for a child.
"""

from __future__ import annotations

from django.db.models import QuerySet

from convene.followup.enquiries.models import ON_CARE_PLAN_ROUTE
from convene.followup.models import Hrpm, S47Enquiry
from convene.followup.roles import works_cases
from convene.people.models import Child, Professional
from convene.people.vocab import LegalStatus

__all__ = ["care_plan_reviews_due", "has_active_hrpm", "hrpm_decisions_due", "may_start_hrpm"]


def _on_care_plan_route(qs: QuerySet[S47Enquiry]) -> QuerySet[S47Enquiry]:
    # The states ``enquiries.services.steps.on_route`` lets the review and the decision through.
    return qs.filter(ON_CARE_PLAN_ROUTE)


def care_plan_reviews_due(qs: QuerySet[S47Enquiry]) -> QuerySet[S47Enquiry]:
    """Enquiries of ``qs`` whose care plan review is not yet recorded."""
    return _on_care_plan_route(qs).filter(care_plan_review__isnull=True)


def hrpm_decisions_due(qs: QuerySet[S47Enquiry]) -> QuerySet[S47Enquiry]:
    """Enquiries of ``qs`` reviewed (the review informs the decision) but not yet decided."""
    return _on_care_plan_route(qs).filter(
        care_plan_review__isnull=False, hrpm_decision__isnull=True
    )


def has_active_hrpm(*, child: Child) -> bool:
    """A child has one active HRPM series at a time (``hrpm_one_active_per_child``)."""
    return Hrpm.objects.filter(child=child.pk, state=Hrpm.State.ACTIVE).exists()


def may_start_hrpm(*, user: Professional, child: Child) -> bool:
    """Whether ``hrpm_create`` would start an HRPM for ``child`` by ``user``: social care of
    the partnership, a child in care, none active. Pages offer the link only then."""
    return (
        child.legal_status == LegalStatus.CHILD_IN_CARE
        and works_cases(user=user, partnership=child.partnership_id)
        and not has_active_hrpm(child=child)
    )
