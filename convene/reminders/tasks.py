"""Background tasks of the outbox, run by ``convene worker``."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from convene.reminders.recovery import tasks_recover_stale
from convene.reminders.services import deliveries_send


@task()
def send_deliveries() -> dict[str, int]:
    """Send the emails due now; enqueued when a person's action decided some."""
    return deliveries_send(now=timezone.now()).as_dict()


@task()
def prune_task_results() -> int:
    """Daily: drop finished task results after two weeks (failed ones after ninety days)."""
    before = DBTaskResult.objects.count()
    call_command(
        "prune_db_task_results",
        queue_name="*",
        min_age_days=14,
        failed_min_age_days=90,
        verbosity=0,
    )
    return before - DBTaskResult.objects.count()


@task()
def recover_stale_tasks() -> dict[str, int]:
    """Every minute: tasks a dead worker left RUNNING go back in the queue (or fail)."""
    return tasks_recover_stale(now=timezone.now()).as_dict()
