"""An agency's check for a discussion: what it knows of the child, before the meeting (R001.7).

One ``AgencyCheck`` per agency and discussion; every submission is kept as an
``AgencyCheckVersion`` so the agency's own words survive whatever the chair later
writes in the record, and an update after submission is a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from convene.core.models import MonthTally, TrackedModel, one_a_month


class AgencyCheck(TrackedModel):
    discussion = models.ForeignKey(
        "discussions.Discussion", on_delete=models.CASCADE, related_name="agency_checks"
    )
    agency = models.ForeignKey("people.Agency", on_delete=models.PROTECT, related_name="+")
    # The newest submission, or 0 before the first.
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["discussion", "agency"], name="one_agency_check_per_discussion"
            )
        ]

    def __str__(self) -> str:
        return f"Agency check {self.pk}"

    def get_absolute_url(self) -> str:
        # Reminders link here: the agency's people complete it; others are sent to the board.
        return reverse("agencychecks:complete", args=[self.discussion_id])


class AgencyCheckVersion(models.Model):
    check_row = models.ForeignKey(AgencyCheck, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    # Submitted after the meeting started: the chair is told, and may review the plan (R004.5).
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["check_row", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_row", "number"], name="one_agency_check_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"Agency check {self.check_row_id} version {self.number}"


class AgencyCheckTally(MonthTally):
    """The agency checks report's counts (issue 13): per partnership, London month the
    discussion was held and agency, the discussions held that expected the agency's check
    and those where it came by the start; ``agency`` 0 is the line for every agency invited
    (the discussions where none was late). Kept in the writers' transactions
    (convene.agencychecks.tally); ``convene reporting rebuild-summary`` recounts it."""

    class Meta:
        constraints = [one_a_month("agency_check_tally_one_a_month", "agency")]

    agency = models.BigIntegerField(default=0)
    discussions = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
