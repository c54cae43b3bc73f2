"""The one timescale table (DESIGN principle 2): every deadline the procedures set is a row."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from convene.clocks.status import Rag, rag_status
from convene.core.models import TrackedModel
from convene.policy.vocab import ClockKind


class Clock(TrackedModel):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        MET = "met", "Met"
        BREACHED = "breached", "Breached"
        WAIVED = "waived", "Waived"

    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.PROTECT, related_name="clocks"
    )
    kind = models.CharField(max_length=30, choices=[(k.value, k.value) for k in ClockKind])
    # The rule and the pack version it was computed under: a later pack never rewrites it.
    rule_id = models.CharField(max_length=120)
    policy_id = models.CharField(max_length=50)
    policy_version = models.CharField(max_length=50)
    citation = models.CharField(max_length=300, help_text="Requirement ids and source")
    summary = models.CharField(max_length=300, blank=True)
    # What the clock is about: a referral, discussion, action, enquiry, HRPM...
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    met_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    waived_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["partnership", "state", "due_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("started_at")), name="clock_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(state="met", met_at__isnull=False)
                | (~Q(state="met") & Q(met_at__isnull=True)),
                name="clock_met_at_only_when_met",
            ),
            models.CheckConstraint(
                condition=~Q(state="waived")
                | (Q(waived_by__isnull=False) & Q(waived_at__isnull=False) & ~Q(waived_reason="")),
                name="clock_waiver_has_reason_and_person",
            ),
            models.CheckConstraint(
                condition=~Q(state="breached") | Q(breached_at__isnull=False),
                name="clock_breached_at_when_breached",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_at:%Y-%m-%d %H:%M}"

    def get_status(self, *, now: datetime) -> Rag:
        return rag_status(
            due_at=self.due_at, now=now, met_at=self.met_at, waived=self.state == self.State.WAIVED
        )
