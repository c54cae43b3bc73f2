"""Background tasks of the clocks, run by ``convene worker`` (django-tasks, database queue)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from convene.clocks.sweep import sweep_run


@task()
def sweep() -> dict[str, int]:
    """The periodic sweep (settings.CONVENE_PERIODIC_TASKS enqueues it once per slot)."""
    return sweep_run(now=timezone.now())
