"""Tasks left RUNNING by a worker that died are recovered after a timeout.

django-tasks-db marks a task RUNNING when a worker claims it and records the
result when it ends; a worker killed in between (``kill -9``, the machine lost)
leaves it RUNNING for ever. :func:`tasks_recover_stale` (a periodic task) puts
each task that has been RUNNING for longer than ``CONVENE_TASK_STALE_SECONDS``
back in the queue, to run again: every Convene task is safe to run twice (the
sweep and the outbox decide and send each thing once, docs/decisions/0002).
A task that has already been claimed ``CONVENE_TASK_MAX_CLAIMS`` times (it may
be what kills the worker) is marked FAILED instead, with the reason, so that it
shows in the task admin and is not retried for ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

__all__ = ["RecoveryReport", "WorkerLost", "tasks_recover_stale"]


class WorkerLost(RuntimeError):
    """The worker running the task stopped without recording its result."""


@dataclass
class RecoveryReport:
    requeued: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"requeued": self.requeued, "failed": self.failed}


def tasks_recover_stale(*, now: datetime) -> RecoveryReport:
    """Requeue (or, after too many claims, fail) every task RUNNING since before the timeout."""
    cutoff = now - timedelta(seconds=int(settings.CONVENE_TASK_STALE_SECONDS))
    report = RecoveryReport()
    with transaction.atomic():
        stale = list(
            DBTaskResult.objects.select_for_update(skip_locked=True).filter(
                status=TaskResultStatus.RUNNING, started_at__lt=cutoff
            )
        )
        for task in stale:
            claims = len(task.worker_ids or [])
            if claims >= int(settings.CONVENE_TASK_MAX_CLAIMS):
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                task.traceback = (
                    f"WorkerLost: still running at {now.isoformat()} after {claims} claims "
                    f"(workers {', '.join(task.worker_ids)}); not tried again"
                )
                task.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                report.failed += 1
            else:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                report.requeued += 1
    return report
