"""After a version is authorised: confirmations, the messages sent with it, the record's events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from convene.core.models import professional_link, set_only_when
from convene.records.models.record import (
    AppendOnlyQuerySet,
    Record,
    RecordVersion,
)


class Confirmation(models.Model):
    """An attendee confirms a distributed version is accurate, or asks for a correction."""

    class Response(models.TextChoices):
        ACCURATE = "accurate", "Accurate"
        CORRECTION = "correction", "Correction requested"

    class Resolution(models.TextChoices):
        CORRECTED = "corrected", "Corrected in a new version"
        NO_CHANGE = "no_change", "No change needed"

    version = models.ForeignKey(
        RecordVersion, on_delete=models.PROTECT, related_name="confirmations"
    )
    professional = professional_link(related_name="record_confirmations")
    response = models.CharField(max_length=20, choices=Response.choices)
    comment = models.TextField(blank=True)
    responded_at = models.DateTimeField()
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["responded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "professional"], name="unique_confirmation"),
            models.CheckConstraint(
                condition=~Q(response="correction") | ~Q(comment=""),
                name="confirmation_correction_has_comment",
            ),
            models.CheckConstraint(
                condition=Q(resolution="", resolved_by__isnull=True, resolved_at__isnull=True)
                | (
                    Q(response="correction", resolved_by__isnull=False, resolved_at__isnull=False)
                    & ~Q(resolution="")
                    & ~Q(resolution_note="")
                ),
                name="confirmation_resolved_with_note",
            ),
        ]
        indexes = [
            # My work's corrections to answer, oldest first; partial: the open ones only.
            models.Index(
                fields=["responded_at", "id"],
                name="confirmation_open_correction",
                condition=Q(response="correction", resolution=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional_id} on version {self.version_id}: {self.response}"

    @property
    def is_open_correction(self) -> bool:
        return self.response == self.Response.CORRECTION and not self.resolution


class DistributionLog(models.Model):
    """One message about one version: queued in the transition's transaction, then sent (or
    not, and why) through the outbox once it has committed (``convene.records.outbox``)."""

    class Kind(models.TextChoices):
        RECORD = "record", "Authorised record"
        OUTCOME = "outcome", "Outcome notice"

    class Outcome(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        NO_ADDRESS = "no_address", "Not sent: no email address"
        FAILED = "failed", "Not sent: the email failed"
        # The recipient may no longer see what it carries (an inactive account, say):
        # checked when it is sent, against the same rule as the pages (core.access.can).
        NOT_ALLOWED = "not_allowed", "Not sent: they may not see the record"
        # Not by email: a person recorded how, when and by whom they were told (R002.9).
        TOLD = "told", "Told another way"

    class ToldHow(models.TextChoices):
        PHONE = "phone", "By phone"
        SECURE_EMAIL = "secure_email", "By secure email"
        IN_PERSON = "in_person", "In person"

    version = models.ForeignKey(RecordVersion, on_delete=models.PROTECT, related_name="deliveries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.CharField(max_length=300)
    email = models.CharField(max_length=254, blank=True)
    # Someone outside the partnership's professionals (a referrer who is a member of
    # the public, say): their notice is built from the family summary only (R003.5).
    family_safe = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    detail = models.CharField(max_length=300, blank=True)
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    by = professional_link()
    # A relevant agency that was not invited, added by the chair at distribution (R002.9).
    agency = models.ForeignKey(
        "people.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Told another way: how, when, by whom, and who recorded it.
    told_how = models.CharField(max_length=20, choices=ToldHow.choices, blank=True)
    told_at = models.DateTimeField(null=True, blank=True)
    told_by = models.CharField(max_length=200, blank=True)
    told_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["queued_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=set_only_when("sent_at", "sent", state="outcome"),
                name="distribution_sent_at_when_sent",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="told")
                | Q(told_at__isnull=False, told_recorded_by__isnull=False, told_how__gt=""),
                name="distribution_told_says_how_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}: {self.outcome}"


class RecordEvent(models.Model):
    """A transition of the record: held, authorised, distributed, corrected... Append-only."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    version_number = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    by = professional_link()
    at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"
