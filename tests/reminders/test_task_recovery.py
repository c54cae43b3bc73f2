"""Tasks a dead worker left RUNNING are recovered after a timeout (issue 12, point 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from convene.clocks.tasks import sweep
from convene.reminders.recovery import tasks_recover_stale
from convene.reminders.tasks import recover_stale_tasks

pytestmark = pytest.mark.django_db


def _running(*, minutes_ago: int, claims: int) -> DBTaskResult:
    """A row of the database queue as a worker killed mid-task leaves it."""
    return DBTaskResult.objects.create(
        task_path=sweep.module_path,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now() - timedelta(hours=2),
        status="RUNNING",
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=[f"dead-worker-{n}" for n in range(claims)],
    )


def test_a_task_left_running_by_a_dead_worker_is_queued_again_after_the_timeout(settings):
    settings.CONVENE_TASK_STALE_SECONDS = 600
    stale = _running(minutes_ago=11, claims=1)
    alive = _running(minutes_ago=9, claims=1)
    report = tasks_recover_stale(now=timezone.now())
    assert report.as_dict() == {"requeued": 1, "failed": 0}
    stale.refresh_from_db()
    alive.refresh_from_db()
    assert (stale.status, stale.started_at) == ("READY", None)
    assert alive.status == "RUNNING"  # may still be running: left alone
    assert DBTaskResult.objects.ready().filter(pk=stale.pk).exists()


def test_a_task_that_keeps_losing_its_worker_is_failed_with_the_reason(settings):
    settings.CONVENE_TASK_STALE_SECONDS = 600
    settings.CONVENE_TASK_MAX_CLAIMS = 3
    poison = _running(minutes_ago=30, claims=3)
    assert tasks_recover_stale(now=timezone.now()).as_dict() == {"requeued": 0, "failed": 1}
    poison.refresh_from_db()
    assert poison.status == "FAILED"
    assert poison.finished_at is not None
    assert poison.exception_class_path == "convene.reminders.recovery.WorkerLost"
    assert "after 3 claims" in poison.traceback


def test_recovery_runs_as_a_periodic_task(settings):
    assert settings.CONVENE_PERIODIC_TASKS["convene.reminders.tasks.recover_stale_tasks"] == 60
    _running(minutes_ago=60, claims=1)
    assert recover_stale_tasks.call() == {"requeued": 1, "failed": 0}
