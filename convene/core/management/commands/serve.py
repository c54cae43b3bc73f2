from __future__ import annotations

import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from convene.gunicorn_conf import graceful_timeout

# How long the worker gets to finish its current task after SIGTERM.
WORKER_STOP_SECONDS = 15


def worker_command() -> list[str]:
    """`convene worker` in a fresh interpreter, whatever started this one."""
    return [sys.executable, "-m", "convene.cli", "worker"]


def gunicorn_command(bind: str | None, workers: int | None) -> list[str]:
    """The documented gunicorn command line (docs/operations.md), in this interpreter."""
    command = [sys.executable, "-m", "gunicorn", "--config", "python:convene.gunicorn_conf"]
    if bind:
        command += ["--bind", bind]
    if workers:
        command += ["--workers", str(workers)]
    return [*command, "convene.wsgi:application"]


class Command(BaseCommand):
    help = (
        "Apply migrations and serve Convene, with the background worker beside it unless "
        "--no-worker. Without --production: Django's development server on 127.0.0.1:8000. "
        "With --production: collect static files and serve with gunicorn "
        "(convene/gunicorn_conf.py)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default=None,
            help="Address and port (default 127.0.0.1:8000; with --production, CONVENE_BIND).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_false",
            dest="worker",
            help="Do not start `convene worker` beside the web server.",
        )
        parser.add_argument(
            "--production",
            action="store_true",
            help="Serve with gunicorn: several processes, time-outs, graceful shutdown.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="With --production: web processes (default WEB_CONCURRENCY, or 2 per core).",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_false",
            dest="migrate",
            help="Do not apply migrations first (run `convene migrate` once per release instead).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_false",
            dest="collectstatic",
            help="With --production: the static files were collected already (the Containerfile).",
        )

    def handle(
        self,
        *args: Any,
        addrport: str | None,
        worker: bool,
        production: bool,
        workers: int | None,
        migrate: bool,
        collectstatic: bool,
        **options: Any,
    ) -> None:
        if workers is not None and (not production or workers < 1):
            raise CommandError("--workers needs --production and a number of at least 1")
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if production and collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        # The children open their own connections; keep none idle here.
        connections.close_all()
        children: list[tuple[subprocess.Popen[bytes], int]] = []
        previous = signal.getsignal(signal.SIGTERM)
        # SIGTERM (a service manager stopping us) becomes an exit, so the children are
        # stopped in turn below rather than left running.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            if worker:
                # The child inherits the environment: the same settings and database.
                process = subprocess.Popen(worker_command())  # noqa: S603 - our own interpreter
                children.append((process, WORKER_STOP_SECONDS))
                self.stdout.write(f"Started the background worker (process {process.pid})")
            if production:
                server = subprocess.Popen(gunicorn_command(addrport, workers))  # noqa: S603
                # gunicorn finishes the requests in flight within its graceful time-out.
                children.insert(0, (server, graceful_timeout + 5))
                self.stdout.write(f"Started gunicorn (process {server.pid})")
                server.wait()
            else:
                call_command("runserver", addrport or "127.0.0.1:8000", use_reloader=False)
        finally:
            for process, seconds in children:
                stop_child(process, seconds)
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)


def stop_child(process: subprocess.Popen[bytes], seconds: float) -> int:
    """Ask a child to stop (SIGTERM: it finishes what it is doing), then insist."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def stop_worker(process: subprocess.Popen[bytes]) -> int:
    return stop_child(process, WORKER_STOP_SECONDS)
