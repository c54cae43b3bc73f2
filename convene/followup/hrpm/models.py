"""High Risk Planning Meetings for a child in care (R000.3, R000.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from convene.core.models import TrackedModel, all_filled, done_at, done_by, version_field
from convene.followup.actions.models import ActionStatus
from convene.people.models import Child, PartnershipRecord, agency_link
from convene.records.owning import (
    action_constraints,
    action_indexes,
    owning_agency_link,
    partnership_link,
)


class HrpmState(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Hrpm(PartnershipRecord):
    """A series of High Risk Planning Meetings for one child in care (R000.3).

    Like a core group for a child in care (R000.4): it never replaces a strategy
    discussion, and its services never touch a strategy discussion's clocks.
    """

    State = HrpmState

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="hrpms")
    # The case the series belongs to: its pack and facts give the monthly clock.
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=HrpmState.choices, default=HrpmState.ACTIVE)
    # The stand-alone risk assessment (R000.3), kept up to date by each meeting.
    risk_assessment = models.TextField()
    # The young person's own view of the risk: central, so required (R000.3).
    young_persons_view = models.TextField()
    first_meeting_on = models.DateField(null=True, blank=True)
    # The soonest open HRPM clock, kept by the clock services (``clocks.due_columns``) so My
    # work walks the series due by index (issue 15).
    hrpm_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = done_at()
    ended_by = done_by()
    end_reason = models.TextField(blank=True)
    version = version_field()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "High Risk Planning Meeting series"
        indexes = [
            # Partial: only the series with an open HRPM clock.
            models.Index(
                fields=["hrpm_due_at", "id"],
                condition=Q(hrpm_due_at__isnull=False),
                name="hrpm_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(state="active"),
                name="hrpm_one_active_per_child",
                violation_error_message="This child already has an active HRPM",
            ),
            models.CheckConstraint(
                condition=all_filled("risk_assessment", "young_persons_view"),
                name="hrpm_risk_assessment_and_young_persons_view",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="ended", ended_at__isnull=False, ended_by__isnull=False)
                    & ~Q(end_reason="")
                )
                | Q(state="active", ended_at__isnull=True),
                name="hrpm_ended_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"HRPM for child {self.child_id}"

    @property
    def reference(self) -> str:
        return f"H{self.pk:06d}" if self.pk else "H(new)"


class HrpmMeeting(TrackedModel):
    """One monthly meeting: who came, the young person's view, the safety plan, the next date."""

    hrpm = models.ForeignKey(Hrpm, on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveIntegerField()
    held_at = models.DateTimeField()
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="hrpm_meetings")
    young_person_attended = models.BooleanField()
    young_person_absent_reason = models.TextField(blank=True)
    young_persons_view = models.TextField()
    risk_assessment = models.TextField()
    safety_plan = models.TextField()
    next_meeting_on = models.DateField()

    class Meta:
        ordering = ["hrpm", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hrpm", "number"], name="unique_hrpm_meeting_number"),
            models.CheckConstraint(
                condition=Q(young_person_attended=True) | ~Q(young_person_absent_reason=""),
                name="hrpm_meeting_absence_has_reason",
            ),
            models.CheckConstraint(
                condition=all_filled("young_persons_view", "risk_assessment", "safety_plan"),
                name="hrpm_meeting_view_risk_and_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"HRPM {self.hrpm_id} meeting {self.number}"


class HrpmAction(TrackedModel):
    """An action of an HRPM safety plan: who (a person or an agency), what, by when.

    Tracked to done like the record's actions: its due date is an ``action_due``
    clock and its updates are ``ActionUpdate`` rows; ``due_by`` is the moment it is overdue
    from, as ``records.Action.due_by``.
    """

    meeting = models.ForeignKey(HrpmMeeting, on_delete=models.PROTECT, related_name="actions")
    owner_professional = done_by(related_name="hrpm_actions")
    owner_agency = agency_link(related_name="hrpm_actions")
    # Whose work it is, as ``records.Action.owning_agency`` (records.owning).
    owning_agency = owning_agency_link()
    # Its HRPM's partnership, stored for the Actions list (records.owning).
    partnership = partnership_link()
    owner_name = models.CharField(max_length=300)
    what = models.TextField()
    due_on = models.DateField()
    due_by = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default="open")
    closed_at = done_at()
    closed_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = action_indexes("hrpm_action")
        constraints = [
            *action_constraints("hrpm_action"),
            models.CheckConstraint(condition=~Q(what=""), name="hrpm_action_has_what"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_name}: {self.what[:40]}"
