"""Per-user API tokens. Only a SHA-256 of each token is stored; the token is shown once."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from convene.core.models import kept_link, professional_link


class ApiToken(models.Model):
    user = professional_link(related_name="api_tokens")
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. the system using it"
    )
    # SHA-256 is enough here (not a slow password hash): the token is 256 random
    # bits, so there is nothing to guess, and every API request must look it up.
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(
        max_length=12, help_text="The token's first characters, to tell tokens apart"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Null only for tokens made before tokens expired (CONVENE_API_TOKEN_DAYS).
    expires_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(
        default=False, help_text="A read-only token may only read (GET): any write is refused"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="api_token_revoked_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, *, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class WebhookEndpoint(models.Model):
    """An HTTPS address of a partnership's case system that receives signed events.

    The secret signs each event (HMAC-SHA256, docs/api.md): it is kept to sign with, and
    shown to the partnership administrator once, when the endpoint is registered.
    """

    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    name = models.CharField(max_length=100, help_text="The system receiving the events")
    url = models.URLField(max_length=500, help_text="https:// only")
    secret = models.CharField(max_length=100, editable=False)
    events = models.JSONField(
        default=list, blank=True, help_text="The event types to send; empty sends them all"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["partnership", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"


class WebhookDelivery(models.Model):
    """One event for one endpoint: its log (state, attempts, last error) and its retries."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up"

    endpoint = kept_link(WebhookEndpoint, related_name="deliveries")
    event = models.CharField(max_length=50)
    # What happened to what ("record.authorised:12:1"): each happens once per endpoint.
    key = models.CharField(max_length=120)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "key"], name="webhook_event_once")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint.name}: {self.get_state_display()}"
