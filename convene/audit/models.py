"""The append-only audit log: who did what to which record, when and from where."""

from __future__ import annotations

import hmac
from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from convene.audit.chain import Link, canonical_time


class AppendOnlyError(Exception):
    """Raised by any attempt to change or remove an audit entry."""


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    REVOKE = "revoke", "Revoked"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Downloaded"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"


# Actions that count as "looking at" a child's record for the "who has looked" list.
LOOKS = (
    Action.VIEW,
    Action.CREATE,
    Action.CHANGE,
    Action.DELETE,
    Action.EXPORT,
    Action.DOWNLOAD,
)


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be changed")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        # Each entry must be chained to the one before it: audit_record is the only way in.
        raise AppendOnlyError("write audit entries one at a time with audit_record")


class AuditEntry(models.Model):
    """One event. Never changed, never deleted (database triggers enforce it too).

    ``actor`` and ``child`` carry no database constraint and no on-delete action:
    the log must outlive what it refers to, and a cascade or SET NULL would be an
    UPDATE or DELETE of the log. ``actor_username`` keeps the name as it was.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # led by audit_*_newest (Meta.indexes), which serves it
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    child = models.ForeignKey(
        "people.Child",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # led by audit_*_newest (Meta.indexes), which serves it
        related_name="+",
    )
    summary = models.CharField(max_length=500, blank=True)
    # Text, not GenericIPAddressField: the database must hand back exactly the
    # string that was hashed (PostgreSQL's inet type would re-spell IPv6).
    remote_addr = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    # Unique through Meta.constraints: no varchar_pattern_ops twin (core/like_indexes.py).
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["child", "-sequence"], name="audit_child_newest"),
            models.Index(fields=["actor", "-sequence"], name="audit_actor_newest"),
        ]
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_auditentry_hash_key")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_action_display()} by {self.actor_username or 'nobody'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError(f"audit entry #{self.sequence} cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"audit entry #{self.sequence} cannot be deleted")

    def chain_fields(self) -> dict[str, str | int | None]:
        """The fields the hash covers, spelled as the chain expects."""
        return chain_fields(
            at=canonical_time(self.at),
            actor_id=self.actor_id,
            actor_username=self.actor_username,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            child_id=self.child_id,
            summary=self.summary,
            remote_addr=self.remote_addr,
        )

    def as_link(self) -> Link:
        return Link(self.sequence, self.prev_hash, self.hash, self.chain_fields())


class AuditKeying(models.Model):
    """Where the keyed chain begins, on a log that was started before the chain was keyed.

    At most one row, written by the migration that introduced keying when the log
    already had entries: entries before ``keyed_from`` keep plain SHA-256 hashes.
    No row means every entry is keyed. ``mac`` is the keyed hash of the boundary
    (``keying_mac``), so someone without the key cannot move it to pass rewritten
    entries off as old ones; the anchor file records the boundary too.
    """

    keyed_from = models.PositiveBigIntegerField()
    mac = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Keyed from #{self.keyed_from}"


def keying_mac(key: bytes, keyed_from: int) -> str:
    return hmac.new(key, f"convene-audit-keyed-from:{keyed_from}".encode(), "sha256").hexdigest()


CHAIN_COLUMNS = (
    "sequence",
    "prev_hash",
    "hash",
    "at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "child_id",
    "summary",
    "remote_addr",
)


def chain_fields(
    *,
    at: str,
    actor_id: int | None,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    child_id: int | None,
    summary: str,
    remote_addr: str,
) -> dict[str, str | int | None]:
    return {
        "at": at,
        "actor_id": actor_id,
        "actor_username": actor_username,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "child_id": child_id,
        "summary": summary,
        "remote_addr": remote_addr,
    }
