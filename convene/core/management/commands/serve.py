from __future__ import annotations

import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

# How long the worker gets to finish its current task after SIGTERM.
WORKER_STOP_SECONDS = 15


def worker_command() -> list[str]:
    """`convene worker` in a fresh interpreter, whatever started this one."""
    return [sys.executable, "-m", "convene.cli", "worker"]


class Command(BaseCommand):
    help = (
        "Apply migrations and serve Convene (development server; use a WSGI server in "
        "production), with the background worker beside it unless --no-worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-worker",
            action="store_false",
            dest="worker",
            help="Do not start `convene worker` beside the web server.",
        )

    def handle(self, *args: Any, addrport: str, worker: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        process = None
        previous = signal.getsignal(signal.SIGTERM)
        if worker:
            # The child inherits the environment, so it uses the same settings and database.
            process = subprocess.Popen(worker_command())  # noqa: S603 - our own interpreter
            self.stdout.write(f"Started the background worker (process {process.pid})")
            # runserver stops on Ctrl+C but dies outright on SIGTERM; turn that into an
            # exit, so the worker is stopped below rather than left running.
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if process is not None:
                stop_worker(process)
                signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)


def stop_worker(process: subprocess.Popen[bytes]) -> int:
    """Ask the worker to stop (SIGTERM: it finishes its task), then insist."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
