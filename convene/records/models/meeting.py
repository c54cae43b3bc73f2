"""What a version says about the meeting: attendance, views, agreed actions, and the
reasons for authorising without a minimum party."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from convene.core.models import TrackedModel, professional_link
from convene.people.models import agency_link
from convene.records.models.record import (
    AppendOnlyQuerySet,
    Record,
    RecordVersion,
)
from convene.records.owning import (
    action_constraints,
    action_indexes,
    discussion_link,
    owning_agency_link,
    partnership_link,
)


class AttendanceStatusChoices(models.TextChoices):
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Did not attend"


class Attendance(models.Model):
    """Who attended, as a version records it (R001.11)."""

    version = models.ForeignKey(RecordVersion, on_delete=models.PROTECT, related_name="attendance")
    professional = professional_link(related_name="record_attendance")
    agency = agency_link()
    name = models.CharField(max_length=300)
    role = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=AttendanceStatusChoices.choices)
    # When this version reached this attendee, while they are still to confirm it: kept by
    # ``convene.records.awaiting`` (issue 15), so "records to confirm" is an index walk.
    awaiting_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["professional", "awaiting_since", "version"],
                condition=Q(awaiting_since__isnull=False),
                name="attendance_awaiting_person",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "professional"], name="unique_attendance_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"


class ProfessionalView(models.Model):
    """One professional's answer to the key question, as a version records it (R003.6)."""

    class ViewChoices(models.TextChoices):
        HAS_SUFFERED = "has_suffered", "Has suffered significant harm"
        LIKELY_TO_SUFFER = "likely_to_suffer", "Is likely to suffer significant harm"
        NOT_SIGNIFICANT_HARM = "not_significant_harm", "Neither"
        UNABLE_TO_SAY = "unable_to_say", "Cannot say"

    version = models.ForeignKey(RecordVersion, on_delete=models.PROTECT, related_name="views")
    professional = professional_link()
    view = models.CharField(max_length=30, choices=ViewChoices.choices)
    comment = models.TextField(blank=True)
    not_for_family = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "professional"], name="unique_view"),
        ]

    def __str__(self) -> str:
        return f"{self.professional_id}: {self.view}"


class Action(TrackedModel):
    """An action agreed in the record: who (a person or an agency), what, by when and why.

    Made when the version that first carries it is authorised; a correction that
    changes it updates it here (the versions keep what each said), one that drops
    it cancels it. Its due date is an ``action_due`` clock.

    ``due_by`` is the moment it is overdue from: the due clock's ``due_at``, or the end of
    ``due_on`` without one (``convene.records.due.action_due_by``, set where the clock is
    started). Stored, so that lists walk the open actions most urgent first by index
    (``status, due_by, id``) instead of sorting every open action by its clock (issue 15).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        AGREED = "agreed", "Agreed in the discussion"
        HRPM = "hrpm", "Consider a High Risk Planning Meeting"

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="actions")
    key = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.AGREED)
    owner_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="record_actions",
    )
    owner_agency = agency_link(related_name="record_actions")
    # Whose work it is: the owner agency, or the owning person's agency (records.owning).
    owning_agency = owning_agency_link()
    # Its discussion's partnership, stored for the Actions list (records.owning).
    partnership = partnership_link()
    # Its record's discussion, stored for need-to-know (records.owning).
    discussion = discussion_link()
    owner_name = models.CharField(max_length=300, blank=True)
    what = models.TextField()
    why = models.TextField(blank=True)
    due_on = models.DateField()
    due_by = models.DateTimeField()
    not_for_family = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_note = models.TextField(blank=True)
    introduced_in = models.ForeignKey(
        RecordVersion, on_delete=models.PROTECT, related_name="actions_introduced"
    )
    changed_in = models.ForeignKey(
        RecordVersion, on_delete=models.PROTECT, related_name="actions_changed"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["owner_professional", "status", "due_on"]),
            *action_indexes("action"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["record", "key"], name="unique_action_key"),
            *action_constraints("action"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_name}: {self.what[:40]}"


class AttendanceException(models.Model):
    """A manager's recorded reason why a minimum party did not attend (R002.4). Append-only.

    The latest exception for a party is the one that stands; earlier ones stay as history.
    """

    class Party(models.TextChoices):
        SOCIAL_CARE = "social_care", "Children's social care"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"

    record = models.ForeignKey(
        Record, on_delete=models.PROTECT, related_name="attendance_exceptions"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
    reason = models.TextField()
    rule_ids = models.JSONField(default=list)
    recorded_by = professional_link()
    recorded_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["party", "recorded_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="attendance_exception_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} did not attend: {self.reason[:40]}"
