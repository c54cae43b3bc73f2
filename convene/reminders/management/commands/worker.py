from __future__ import annotations

import logging
import os
import socket
from typing import Any

from django.conf import settings
from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import valid_interval

from convene.core.heartbeat import HeartbeatThread, beat
from convene.reminders.services import periodic_enqueue_due
from convene.reminders.worker import GracefulWorker, PeriodicScheduler


def _worker_id() -> str:
    # Unique across the pool, and readable in the task admin: host, process, random.
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"


class Command(BaseCommand):
    help = (
        "Run the background worker: the clock sweep (breaches, escalations, reminders, "
        "emails) every CONVENE_SWEEP_SECONDS, and every task in the database queue. "
        "Several workers may run at once on PostgreSQL. Stops gracefully on SIGTERM or Ctrl+C."
    )
    # The checks for what a worker uses (models, caches, security settings), not the URL
    # checks: they import every view, 1.3 of a start's 4 seconds, for a process that serves
    # no page (`convene serve` and `convene check` still run them). See
    # docs/decisions/0019-worker-start-up-checks.md.
    requires_system_checks = [Tags.models, Tags.caches, Tags.security, Tags.compatibility]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Enqueue the periodic tasks due now (once per slot), run every queued task, exit.",
        )
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=1.0,
            help="Seconds to wait when the queue is empty before looking again (default 1).",
        )
        parser.add_argument(
            "--queue-name",
            default="*",
            help="Queues to process, separated by commas; '*' for all (default).",
        )

    def _configure_logging(self, verbosity: int) -> None:
        level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
        for name in ("django_tasks", "django_tasks_db", "convene"):
            logging.getLogger(name).setLevel(level)

    def handle(
        self, *args: Any, once: bool, interval: float, queue_name: str, **options: Any
    ) -> None:
        self._configure_logging(int(options["verbosity"]))
        queues = [name.strip() for name in queue_name.split(",") if name.strip()]
        if not queues:
            raise CommandError("--queue-name must name at least one queue, or '*'")
        schedule: dict[str, int] = dict(settings.CONVENE_PERIODIC_TASKS)
        worker_id = _worker_id()
        worker = GracefulWorker(
            queue_names=queues,
            interval=interval,
            batch=once,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not once,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if once:
            # A cron-driven worker beats too, so /readyz sees it (convene/core/heartbeat.py).
            beat(worker_id, started_at=timezone.now())
            periodic_enqueue_due(now=timezone.now(), schedule=schedule)
            worker.run()
            return
        scheduler = PeriodicScheduler(schedule)
        self.stdout.write(
            "Convene worker started: "
            + ", ".join(f"{path} every {seconds}s" for path, seconds in schedule.items())
            + f"; queues {','.join(queues)}"
        )
        heartbeat = HeartbeatThread(worker_id, every=settings.CONVENE_HEARTBEAT_SECONDS)
        heartbeat.start()
        scheduler.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            scheduler.stop()
            heartbeat.stop()
            self.stdout.write("Convene worker stopped")
