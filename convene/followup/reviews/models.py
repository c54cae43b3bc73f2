"""A review strategy discussion, asked for because new information affects the plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from convene.core.models import all_filled
from convene.people.models import PartnershipRecord


class ReviewRequest(PartnershipRecord):
    """A review strategy discussion asked for because new information affects the plan (R004.5).

    Only granted requests are stored: a request without new information is refused
    by the service before anything is written, with where progress is tracked instead.
    """

    # The discussion whose plan the new information affects.
    discussion = models.ForeignKey(
        "discussions.Discussion", on_delete=models.PROTECT, related_name="review_requests"
    )
    new_information = models.TextField()
    effect_on_plan = models.TextField()
    immediate_risk = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    # The review discussion convened through the discussions app.
    review = models.OneToOneField(
        "discussions.Discussion", on_delete=models.PROTECT, related_name="review_of"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=all_filled("new_information", "effect_on_plan"),
                name="review_request_has_new_information",
                violation_error_message="Record the new information and how it affects the plan",
            ),
            models.CheckConstraint(
                condition=~Q(review=models.F("discussion")), name="review_request_new_discussion"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of discussion {self.discussion_id}"
