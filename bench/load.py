"""Load through the production server: N signed-in clients for T seconds (docs/operations.md).

    python bench/load.py [--clients 20] [--seconds 30] [--workers N] [--pace 0]
                         [--database-url URL] [--children 200]

Without ``--database-url`` it builds a fresh demo database (``convene demo``) in a
temporary SQLite file. It starts ``convene serve --production`` (gunicorn, ``--workers``
processes, by default as many as production starts: ``convene.gunicorn_conf.workers``, four
per core; and a background worker) on a free port of 127.0.0.1 with production
settings, gives each client a signed-in, two-factor-verified session of one demo
persona, and has every client request the everyday pages one after another, as fast as
the server answers, for ``--seconds`` (``--pace S``: each client starts a request every S
seconds, as a person reading each page would, or at once when the last took longer). The
worker's audit anchor is held off for the run unless ``--anchor`` (``hold_off_the_anchor``
says why). It
prints requests per second, p50/p95/max
latency, the statuses and the errors (any 5xx, time-out or refused connection).

Bounded: at most 100 clients and 300 seconds, and only ever 127.0.0.1. The sessions it
makes and the pages it reads write to the database as any use would: point it at a
throwaway copy, never at live data.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import build_demo, p95  # noqa: E402 - after the path is set

MAX_CLIENTS = 100
MAX_SECONDS = 300
# Pages every demo persona may open: the ones people sit on all day.
PATHS = ("/", "/my-work/", "/invitations/", "/notifications/")
PERSONAS = ("alice", "bob", "tom", "hana", "ivy", "carol", "dev", "erin", "nick")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_env(url: str, folder: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONVENE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="convene.settings",
        CONVENE_DEVELOPMENT="false",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        CONVENE_AUDIT_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=url,
        STATIC_ROOT=f"{folder}/static",
        CONVENE_AUDIT_ANCHOR_FILE=f"{folder}/anchors.log",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",  # the request lines would cost the server time to write
    )
    return env


def make_sessions(env: dict[str, str], count: int) -> list[str]:
    """A signed-in session per client, already past the authenticator code."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from convene.people.models import Professional

    keys = []
    for n in range(count):
        user = Professional.objects.get(username=PERSONAS[n % len(PERSONAS)])
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="bench/load.py", defaults={"confirmed": True}
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        keys.append(session.session_key)
    return keys


ANCHOR_TASK = "convene.audit.tasks.write_anchor"


def hold_off_the_anchor(seconds: float) -> int:
    """Mark the audit anchor's slots from now until ``seconds`` after as taken, so the
    server's worker does not start it during the run; returns how many were marked.

    The run's own random ``CONVENE_AUDIT_KEY`` is not the key the database's chain was
    written with, and its anchor file is new: each run's anchor re-verified the whole
    chain from the first entry and refused it, 27-34 s of one of the two cores (2.3
    million entries at a million discussions). A council's worker verifies that once,
    when anchoring starts, then only the few minutes' entries since its last anchor.
    Whether a run's slot held it made the paced p95 at a million 595-650 ms or 65 ms
    (issue 15). ``--anchor`` leaves it to run."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from convene.reminders.models import PeriodicRun
    from convene.reminders.services import slot_start

    every = settings.CONVENE_PERIODIC_TASKS[ANCHOR_TASK]
    now = timezone.now()
    slots = {
        slot_start(now + timedelta(seconds=offset), every)
        for offset in range(0, int(seconds) + every, every)
    }
    for slot in slots:
        PeriodicRun.objects.get_or_create(
            task_path=ANCHOR_TASK, slot_start=slot, defaults={"enqueued_at": now}
        )
    return len(slots)


READY_SECONDS = 180


def wait_ready(port: int, server: subprocess.Popen[bytes], seconds: float = READY_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("convene serve --production exited")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/readyz", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not become ready")


def session_rss_mb(session_id: int) -> dict[int, float]:
    """Resident memory (MB) of every process in the server's session: the gunicorn
    master, its workers and the background worker (Linux /proc)."""
    page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
    sizes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text()
        except OSError:  # the process ended while we looked
            continue
        # Fields after the command name (which may hold spaces) start at ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == session_id:
            sizes[int(entry.name)] = int(statm.split()[1]) * page_mb
    return sizes


def watch_memory(session_id: int, stop: threading.Event, peaks: dict[int, float]) -> None:
    while not stop.wait(1.0):
        for pid, mb in session_rss_mb(session_id).items():
            peaks[pid] = max(peaks.get(pid, 0.0), mb)


def client(port: int, session_key: str, stop: threading.Event, results: list, pace: float) -> None:
    headers = {"Host": "127.0.0.1", "Cookie": f"sessionid={session_key}"}
    n = 0
    # Paced clients start out of step, so their requests do not arrive in waves.
    next_start = time.perf_counter() + pace * secrets.randbelow(1000) / 1000
    while not stop.wait(max(0.0, next_start - time.perf_counter())):
        path = PATHS[n % len(PATHS)]
        n += 1
        started = time.perf_counter()
        next_start = started + pace
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            status: int | str = response.status
        except OSError as error:
            status = type(error).__name__
        results.append((status, (time.perf_counter() - started) * 1000))


def server_command(workers: int | None, port: int) -> list[str]:
    """``convene serve --production`` on ``port`` of 127.0.0.1, with ``workers`` processes, or
    (None) as many as production starts."""
    return [
        sys.executable,
        "-m",
        "convene.cli",
        "serve",
        "--production",
        "--no-migrate",
        *(["--workers", str(workers)] if workers else []),
        f"127.0.0.1:{port}",
    ]


def production_workers() -> int:
    """The processes ``convene serve --production`` starts when not told (WEB_CONCURRENCY, or
    four per core): the load is measured against the server as it is deployed."""
    from convene.gunicorn_conf import workers

    return workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn processes (default: production's)"
    )
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument(
        "--pace", type=float, default=0.0, help="seconds between a client's requests (0: none)"
    )
    parser.add_argument(
        "--anchor",
        action="store_true",
        help="let the worker append the audit anchor during the run (hold_off_the_anchor)",
    )
    options = parser.parse_args()
    if not 1 <= options.clients <= MAX_CLIENTS or not 0 < options.seconds <= MAX_SECONDS:
        parser.error(f"--clients 1..{MAX_CLIENTS}, --seconds up to {MAX_SECONDS}")
    if not 0 <= options.pace <= options.seconds:
        parser.error("--pace from 0 to --seconds")
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or build_demo(folder, options.children)
        env = production_env(url, folder)
        sessions = make_sessions(env, options.clients)
        if not options.anchor:  # the server's start, the run and a margin
            hold_off_the_anchor(READY_SECONDS + options.seconds + 60)
        port = free_port()
        server = subprocess.Popen(  # our own interpreter and command
            server_command(options.workers, port),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_ready(port, server)
            stop = threading.Event()
            results: list[tuple[int | str, float]] = []
            peaks: dict[int, float] = {}
            watcher = threading.Thread(target=watch_memory, args=(server.pid, stop, peaks))
            watcher.start()
            threads = [
                threading.Thread(target=client, args=(port, key, stop, results, options.pace))
                for key in sessions
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(options.seconds)
            stop.set()
            for thread in threads:
                thread.join()
            watcher.join()
            elapsed = time.perf_counter() - started
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    timings = sorted(ms for _, ms in results)
    statuses = collections.Counter(status for status, _ in results)
    errors = sum(n for s, n in statuses.items() if not isinstance(s, int) or s >= 500)
    print(
        f"{options.clients} clients × {options.seconds:g} s"
        + (f", one request each every {options.pace:g} s" if options.pace else "")
        + f", {options.workers or production_workers()} gunicorn "
        f"processes: {len(results)} requests, {len(results) / elapsed:.1f} req/s, "
        f"p50 {timings[len(timings) // 2]:.0f} ms, p95 {p95(timings):.0f} ms, "
        f"max {timings[-1]:.0f} ms, errors {errors}"
    )
    if peaks:
        print(
            f"peak resident memory: largest process {max(peaks.values()):.0f} MB, "
            f"{len(peaks)} processes, together {sum(peaks.values()):.0f} MB"
        )
    print("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=str)))
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
