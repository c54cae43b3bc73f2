"""The outbox: one row per message Convene has decided to send, and the worker's schedule.

A :class:`Delivery` row is written in the same transaction that decides a
message is due (a reminder, an escalation), and its unique constraint makes
deciding twice impossible. In-app notifications are delivered by existing;
emails are sent later by the worker, which records each attempt before it
sends and the result after (docs/reminders-and-escalation.md).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from convene.core.models import set_only_when
from convene.reminders.keys import time_ordered_uuid


class Delivery(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        IN_APP = "in_app", "In Convene"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # No longer wanted when its turn came (a later change superseded it, or the
        # recipient may no longer see what it carries): never sent, never retried.
        WITHDRAWN = "withdrawn", "Not sent: no longer needed"
        # A reminder whose turn came after the thing was done (its clock met or waived):
        # never sent, never retried, not a failure (reminders/sources.py ``still_due``).
        SKIPPED = "skipped", "Not sent: already done"

    # The idempotency key: the Message-ID of the email is made from it when the
    # delivery is decided, so every attempt at one delivery carries the same id.
    # Time-ordered, so a sweep's inserts write the ends of its unique indexes (keys.py).
    key = models.UUIDField(default=time_ordered_uuid, unique=True, editable=False)
    # Made from ``key`` and only from it (``services.new_delivery``: ``<key@domain>``), so it is
    # unique because ``key`` is: no index of its own (it had a unique one, 87 MB at 50,000
    # discussions, written on every insert of a sweep and read by nothing; reminders/0008).
    message_id = models.CharField(max_length=200)
    # No index of its own: delivery_failed_newest serves the only read by partnership.
    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.PROTECT, related_name="deliveries", db_index=False
    )
    # What it is about: a clock (reminders), an escalation (notices)...
    # Led by delivery_once_per_source_kind_channel_recipient, which serves it: no own index.
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # Led by delivery_recipient_newest, which serves it: no own index.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
        db_index=False,
    )
    # Indexed by delivery_recipient_agency, only where set (a team inbox: few rows).
    recipient_agency = models.ForeignKey(
        "people.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
        db_index=False,
    )
    # "professional:<id>" or "agency:<id>": one column for the uniqueness rule.
    recipient_key = models.CharField(max_length=60)
    to_address = models.EmailField(blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    # What every attempt attaches: content (a calendar file, base64) or where to rebuild
    # it from deterministically (a record version's PDF), see convene.reminders.outbox.
    attachments = models.JSONField(default=list, blank=True)
    reply_to = models.EmailField(blank=True)
    decided_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempt_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name_plural = "deliveries"
        # One index per read, and no other: every index is written on each of the sweep's
        # inserts (tens of thousands of rows per sweep at scale; docs/performance.md,
        # "The outbox's indexes and inserts"). Lookups by source are served by
        # delivery_once_per_source_kind_channel_recipient.
        indexes = [
            # The worker's next email to send (_delivery_claim): only the unsent emails,
            # a handful at any time, however many were ever sent.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(channel="email", state__in=["pending", "sending"]),
                name="delivery_email_due",
            ),
            # "Failed emails" for a partnership's admins, newest failure first; also where a
            # partnership's deliveries are looked for (only failed ones are listed).
            models.Index(
                fields=["partnership", "-failed_at", "-id"],
                condition=Q(state="failed"),
                name="delivery_failed_newest",
            ),
            # The navigation badge on every page, and "mark all read": a person's unread
            # in-app notices.
            models.Index(
                fields=["recipient"],
                condition=Q(channel="in_app", read_at__isnull=True),
                name="delivery_unread_in_app",
            ),
            # The notifications page: a person's own, newest first, a keyset page at a time
            # (and the check that a professional has no deliveries before deleting one).
            models.Index(
                fields=["recipient", "channel", "-decided_at", "-id"],
                name="delivery_recipient_newest",
            ),
            # The check that an agency has no deliveries before deleting it (PROTECT):
            # only the team-inbox emails carry an agency.
            models.Index(
                fields=["recipient_agency"],
                condition=Q(recipient_agency__isnull=False),
                name="delivery_recipient_agency",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "kind", "channel", "recipient_key"],
                name="delivery_once_per_source_kind_channel_recipient",
            ),
            models.CheckConstraint(
                # An email may go to an address alone (a referrer outside the partnership).
                condition=Q(recipient__isnull=False)
                | Q(recipient_agency__isnull=False)
                | Q(channel="email"),
                name="delivery_has_recipient_or_address",
            ),
            models.CheckConstraint(
                condition=Q(channel="email", to_address__gt="")
                | Q(channel="in_app", recipient__isnull=False, to_address="", state="sent"),
                name="delivery_email_has_address_in_app_has_person",
            ),
            models.CheckConstraint(
                condition=set_only_when("sent_at", "sent"),
                name="delivery_sent_at_iff_sent",
            ),
            models.CheckConstraint(
                condition=set_only_when("failed_at", "failed"),
                name="delivery_failed_at_iff_failed",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["pending", "sending"]) | Q(next_attempt_at__isnull=False),
                name="delivery_unsent_has_next_attempt",
            ),
            models.CheckConstraint(
                condition=~Q(state="sending")
                | Q(attempt_started_at__isnull=False, attempts__gte=1),
                name="delivery_sending_has_started_attempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.kind} to {self.recipient_key}"

    @property
    def description(self) -> str:
        """What it is, for "Failed emails": the subject, unless its kind names no record."""
        from convene.reminders.outbox import email_kinds

        kind = email_kinds(self.kind)
        return self.subject if kind is None else kind.description


class PeriodicRun(models.Model):
    """One row per periodic task per time slot: several workers enqueue it once.

    The worker inserts the row and enqueues the task in one transaction; the
    unique constraint turns a second worker's attempt into a no-op.
    """

    task_path = models.CharField(max_length=200)
    slot_start = models.DateTimeField()
    enqueued_at = models.DateTimeField()
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-slot_start", "task_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_path", "slot_start"], name="periodic_run_once_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_path} at {self.slot_start:%Y-%m-%d %H:%M:%S}"
