"""The base every domain model stands on: who and when, for every row."""

from __future__ import annotations

import operator
from datetime import datetime
from functools import reduce
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:  # core imports no domain app at run time (tests/test_architecture.py)
    from convene.people.models import Professional

Target = TypeVar("Target", bound=models.Model)


def kept_link(to: type[Target], *, related_name: str = "+") -> models.ForeignKey[Target, Target]:
    """A required link to a row that stays while this one does (records are never deleted)."""
    return models.ForeignKey(to, on_delete=models.PROTECT, related_name=related_name)


def professional_link(
    *, related_name: str = "+", db_index: bool = True
) -> models.ForeignKey[Professional, Professional]:
    """The professional who did or answered something: kept while the row is.
    ``db_index=False`` where an index of the model's own leads with the column already."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name=related_name,
        db_index=db_index,
    )


def holder_link() -> models.ForeignKey[Professional | None, Professional | None]:
    """Who holds a case now (its open allocation's social worker, or the one it inherits):
    kept by the allocation app (``convene.allocation.holders``), never written by a form,
    so that "is it mine" is a column a walk tests, not probes of the allocations."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )


def done_at() -> models.DateTimeField[datetime | None, datetime | None]:
    """When something was done, empty until it is."""
    return models.DateTimeField(null=True, blank=True)


def version_field() -> models.PositiveIntegerField[int, int]:
    """The row's version for optimistic locking: 1 when written, one more on each change."""
    return models.PositiveIntegerField(default=1)


def all_filled(*names: str) -> Q:
    """A check constraint's condition: none of the ``names`` text fields is empty."""
    return reduce(operator.and_, (~Q(**{name: ""}) for name in names))


def done_by(*, related_name: str = "+") -> models.ForeignKey[Any, Any]:
    """Who did, or is to do, something: an optional professional, kept while any row
    names them (PROTECT), with no reverse accessor unless ``related_name`` names one."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class TrackedModel(models.Model):
    """Who created and last changed a row, and when (STYLE habit 5)."""

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = done_by()
    modified_by = done_by()

    class Meta:
        abstract = True


class OnceKey(models.Model):
    """A submission that must happen once: a page form's one-time token or an API
    ``Idempotency-Key``, for one user, and what it answered (``convene/core/once.py``).

    ``status`` is empty while the first request is still running (the claim).
    """

    class Kind(models.TextChoices):
        FORM = "form", "Form token"
        API = "api", "Idempotency-Key"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    key = models.CharField(max_length=255)
    # What was asked: the path for a form; method, path and body digest for the API.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="once_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key[:8]}…"


class WorkerHeartbeat(models.Model):
    """The last time each background worker said it was alive (``/readyz`` reads it).

    One row per worker process, written every ``CONVENE_HEARTBEAT_SECONDS``; rows of
    workers gone for a day are removed by the next beat.
    """

    worker_id = models.CharField(max_length=100, unique=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id


def set_only_when(field: str, value: str, *, state: str = "state") -> Q:
    """A check constraint's condition: ``field`` is set exactly when ``state`` is ``value``
    (a clock's ``met_at`` when it is met, and only then)."""
    return Q(**{state: value, f"{field}__isnull": False}) | (
        ~Q(**{state: value}) & Q(**{f"{field}__isnull": True})
    )


class MonthTally(models.Model):
    """A row of the reports' summary (issue 13): counts for one partnership and London month,
    kept by the services in their own transactions (``INSERT ... ON CONFLICT DO UPDATE``,
    convene.clocks.tally.add_to) and recounted by ``convene reporting rebuild-summary``."""

    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text="The first day of the London month")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.month:%Y-%m} of partnership {self.partnership_id}"


def one_a_month(name: str, *fields: str) -> models.UniqueConstraint:
    """One row a partnership, month and ``fields``: the key the services add to."""
    return models.UniqueConstraint(fields=["partnership", "month", *fields], name=name)
