"""The background worker's heartbeat: a row it refreshes, which ``/readyz`` checks.

A worker that has died or lost the database stops beating; after
``CONVENE_READY_HEARTBEAT_MINUTES`` the service stops reporting itself ready, so
a load balancer or monitor notices that reminders and emails have stopped.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from convene.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Rows of workers not seen for this long are removed (a restarted worker has a new id).
FORGET_AFTER = timedelta(days=1)


def beat(worker_id: str, *, started_at: datetime, now: datetime | None = None) -> None:
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id[:100],
        defaults={"seen_at": now},
        create_defaults={"started_at": started_at, "seen_at": now},
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def latest_beat() -> datetime | None:
    row = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    return row


class HeartbeatThread(threading.Thread):
    """Beats every ``every`` seconds until stopped; a database hiccup is logged and retried."""

    def __init__(self, worker_id: str, *, every: float) -> None:
        super().__init__(name="convene-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.started_at = timezone.now()
        self._stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                close_old_connections()
                try:
                    beat(self.worker_id, started_at=self.started_at)
                except Exception:
                    logger.exception("Could not write the worker heartbeat; will try again")
                self._stopping.wait(self.every)
        finally:
            connection.close()  # this thread's own connection

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)
