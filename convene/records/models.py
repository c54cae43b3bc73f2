"""The strategy discussion record: its draft, history, frozen versions and what follows them.

The discussion's lifecycle state lives on ``discussions.Discussion.state``;
this app moves it from ``held`` onwards (``convene.records.services``). Here:

* ``Record``: one per discussion, from the moment it is held; the pack it is
  decided under and whether the draft is open for editing.
* ``RecordSectionEntry``: the draft of one part (``convene.records.sections``),
  JSON content with a ``version`` for optimistic locking.
* ``SectionHistory``: every change of an entry, before and after. Append-only.
* ``RecordVersion``: a numbered, frozen snapshot with its PDF and their
  SHA-256, made when the record is authorised. Never altered: only its
  distribution is stamped, once.
* ``Attendance`` and ``ProfessionalView``: a version's attendance and views
  as rows, for reports and for who confirms.
* ``Action``: an agreed action, living on across versions (its due date is a
  clock); the follow-through issue adds updates to it.
* ``Confirmation``: an attendee's "accurate" or "please correct" (R001.9).
* ``DistributionLog``: every message sent with a version, or not sent and why.
* ``RecordEvent``: the record's transitions, who and when. Append-only.
* ``AttendanceException``: a manager's reason for authorising without social care,
  the police or health (R002.4): who, when, why. Append-only; reports query it.
"""

from __future__ import annotations

import hashlib
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q

from convene.core.models import TrackedModel
from convene.people.models import Agency
from convene.policy.vocab import Decision, RecordSection

SECTION_CHOICES = [(s.value, s.value) for s in RecordSection]
DECISION_CHOICES = [(d.value, d.value) for d in Decision]


class AppendOnlyError(Exception):
    """An attempt to change or remove a row that is kept as history."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are history and cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are history and cannot be deleted")


class Record(TrackedModel):
    discussion = models.OneToOneField(
        "discussions.Discussion", on_delete=models.PROTECT, related_name="record"
    )
    # When the discussion took place: the `discussion_held` event (R002.8, R002.9) and,
    # for a S47 decision, `s47_decided` (R002.12, R003.8).
    held_at = models.DateTimeField()
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The pack the record is checked and its clocks computed under.
    policy_id = models.CharField(max_length=50)
    policy_version = models.CharField(max_length=50)
    policy_digest = models.CharField(max_length=64)
    # Whether the draft may be edited: from held until authorised, and again while a
    # correction is being made.
    draft_open = models.BooleanField(default=True)
    correction_note = models.TextField(blank=True)
    latest_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(draft_open=True) | Q(latest_number__gt=0),
                name="record_closed_only_once_authorised",
            ),
        ]

    def __str__(self) -> str:
        return f"Record of discussion {self.discussion_id}"


class RecordSectionEntry(models.Model):
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="entries")
    section = models.CharField(max_length=40, choices=SECTION_CHOICES)
    content = models.JSONField(default=dict)
    # Optimistic locking: the number of saves; a form carries the version it showed.
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["record", "section"], name="unique_record_section"),
            models.CheckConstraint(
                condition=Q(section__in=[s.value for s in RecordSection]),
                name="record_section_valid",
            ),
            models.CheckConstraint(
                condition=Q(version=0) | Q(updated_by__isnull=False, updated_at__isnull=False),
                name="record_section_saved_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} v{self.version}"


class SectionHistory(models.Model):
    """One save of one part: who, when, before and after. Never changed or removed."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="history")
    section = models.CharField(max_length=40, choices=SECTION_CHOICES)
    version = models.PositiveIntegerField()
    before = models.JSONField()
    after = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name_plural = "section history"
        constraints = [
            models.UniqueConstraint(
                fields=["record", "section", "version"], name="unique_section_history_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} v{self.version} by {self.changed_by_id}"


class RecordVersion(models.Model):
    """An authorised, frozen record. Only ``distributed_at``/``distributed_by`` are ever set
    afterwards, once (the services refuse anything else; ``content_sha256`` and ``pdf_sha256``
    let anyone check the snapshot and the PDF are those authorised)."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    decision = models.CharField(max_length=30, choices=DECISION_CHOICES)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_note = models.TextField(blank=True)
    distributed_at = models.DateTimeField(null=True, blank=True)
    distributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="unique_record_version"),
            models.CheckConstraint(condition=Q(number__gte=1), name="record_version_from_one"),
            models.CheckConstraint(
                condition=Q(distributed_at__isnull=True, distributed_by__isnull=True)
                | Q(distributed_at__isnull=False, distributed_by__isnull=False),
                name="record_version_distributed_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(number=1, supersedes__isnull=True)
                | Q(number__gt=1, supersedes__isnull=False),
                name="record_version_correction_supersedes",
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(correction_note=""),
                name="record_version_correction_has_note",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=[d.value for d in Decision]),
                name="record_version_decision_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"version {self.number} of record {self.record_id}"

    @property
    def pdf_bytes(self) -> bytes:
        return bytes(self.pdf)

    def intact(self) -> bool:
        """Whether the stored PDF is byte for byte the one authorised."""
        return hashlib.sha256(self.pdf_bytes).hexdigest() == self.pdf_sha256


class AttendanceStatusChoices(models.TextChoices):
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Did not attend"


class Attendance(models.Model):
    """Who attended, as a version records it (R001.11)."""

    version = models.ForeignKey(RecordVersion, on_delete=models.PROTECT, related_name="attendance")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="record_attendance"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=300)
    role = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=AttendanceStatusChoices.choices)

    class Meta:
        ordering = ["pk"]
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
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
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
    owner_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="record_actions"
    )
    owner_name = models.CharField(max_length=300, blank=True)
    what = models.TextField()
    why = models.TextField(blank=True)
    due_on = models.DateField()
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
        indexes = [models.Index(fields=["owner_professional", "status", "due_on"])]
        constraints = [
            models.UniqueConstraint(fields=["record", "key"], name="unique_action_key"),
            models.CheckConstraint(
                condition=Q(owner_professional__isnull=False, owner_agency__isnull=True)
                | Q(owner_professional__isnull=True, owner_agency__isnull=False),
                name="action_has_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="action_closed_at_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_name}: {self.what[:40]}"


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
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="record_confirmations"
    )
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
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
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
                condition=Q(outcome="sent", sent_at__isnull=False)
                | (~Q(outcome="sent") & Q(sent_at__isnull=True)),
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
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"


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
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
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
