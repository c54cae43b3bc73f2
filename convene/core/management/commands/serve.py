from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

# The task worker sends queued email (invitations, updates, cancellations) from the
# database queue; `serve` runs one beside the web server so a development run sends
# them (to the console by default). Production runs `convene db_worker` on its own.
WORKER = [
    sys.executable,
    "-c",
    "from convene.cli import main; main(['convene', 'db_worker', '--no-reload'])",
]


class Command(BaseCommand):
    help = (
        "Apply migrations and serve Convene (development server; use a WSGI server in production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the background task worker"
        )

    def handle(self, *args: Any, addrport: str, no_worker: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        worker = None if no_worker else subprocess.Popen(WORKER)  # noqa: S603 - our own command
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
