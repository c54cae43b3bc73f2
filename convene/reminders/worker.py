"""The background worker: django-tasks-db's queue worker, plus a scheduler for periodic tasks.

``convene worker`` runs :class:`django_tasks_db.management.commands.db_worker.Worker`
(the maintained database-queue worker: claims each task with
``select_for_update(skip_locked=True)``, records its result, stops gracefully on
SIGTERM/SIGINT) in the main thread, and a :class:`PeriodicScheduler` thread
that enqueues each periodic task (``settings.CONVENE_PERIODIC_TASKS``) once per
time slot across all workers (docs/decisions/0004-background-worker.md).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Mapping
from datetime import datetime
from types import FrameType

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from convene.reminders.services import periodic_enqueue_due, slot_start

__all__ = ["GracefulWorker", "PeriodicScheduler"]

logger = logging.getLogger(__name__)


class PeriodicScheduler(threading.Thread):
    """Every ``tick`` seconds, enqueue the periodic tasks whose slot has come round."""

    def __init__(self, schedule: Mapping[str, int], *, tick: float = 1.0) -> None:
        super().__init__(name="convene-periodic-scheduler", daemon=True)
        self.schedule = dict(schedule)
        self.tick = tick
        self._stopping = threading.Event()
        self._seen: dict[str, datetime] = {}

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                # Drop a connection the database has closed, as a request would.
                close_old_connections()
                self.tick_once(now=timezone.now())
                self._stopping.wait(self.tick)
        finally:
            connection.close()  # this thread's own connection

    def tick_once(self, *, now: datetime) -> list[str]:
        slots = {path: slot_start(now, seconds) for path, seconds in self.schedule.items()}
        due = {
            path: self.schedule[path]
            for path, slot in slots.items()
            if self._seen.get(path) != slot
        }
        if not due:
            return []
        try:
            enqueued = periodic_enqueue_due(now=now, schedule=due)
        except Exception:
            # The database may be briefly away; the next tick tries again.
            logger.exception("Could not enqueue the periodic tasks; will try again")
            return []
        for path in due:
            self._seen[path] = slots[path]
        for path in enqueued:
            logger.info("Enqueued %s for %s", path, slots[path].isoformat())
        return enqueued

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)


class GracefulWorker(Worker):
    """django-tasks-db's worker, stopping only between database statements.

    The library's first SIGTERM calls ``sys.exit(0)`` at once when no task is
    running, which can land inside the claim transaction's COMMIT: the
    rollback that follows fails and the worker exits 1 with a half-sent
    statement. Here the first signal only clears ``running``; the loop ends
    after the claim, task or wait in hand (at most ``interval`` seconds). A
    second signal still stops the worker at once.
    """

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            super().shutdown(signum, frame)
            return
        logger.warning("Received %s: stopping after the current step", signal.strsignal(signum))
        self.running = False
