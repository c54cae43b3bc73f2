"""The record, its draft sections with their history, and its frozen versions."""

from __future__ import annotations

import hashlib
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q

from convene.core.models import TrackedModel, professional_link
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
    held_by = professional_link()
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
        # The reports read a period's records by the time the discussion was held
        # (reporting.scoping.current_versions), not every record ever written.
        indexes = [
            models.Index(fields=["held_at"], name="record_report_held"),
            # My work's drafts to write, oldest meeting first; partial: the open drafts only.
            models.Index(
                fields=["held_at", "id"], name="record_draft_open", condition=Q(draft_open=True)
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
    changed_by = professional_link()
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
    authorised_by = professional_link()
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
        indexes = [
            # My work's versions to send, oldest first; partial: the ones not sent yet.
            models.Index(
                fields=["authorised_at", "id"],
                name="record_version_unsent",
                condition=Q(distributed_at__isnull=True),
            ),
            # ... and the versions sent, to confirm, oldest first.
            models.Index(
                fields=["distributed_at", "id"],
                name="record_version_sent",
                condition=Q(distributed_at__isnull=False),
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
