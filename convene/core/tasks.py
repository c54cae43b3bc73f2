"""Background task of the core app, run by ``convene worker``."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from convene.core.once import once_prune


@task()
def prune_once_keys() -> int:
    """Hourly: forget expired form tokens and Idempotency-Keys."""
    return once_prune(now=timezone.now())
