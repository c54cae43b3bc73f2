"""Time the clock sweep (what the worker runs every CONVENE_SWEEP_SECONDS) on a given database.

    python bench/sweep.py --database-url postgresql://postgres@127.0.0.1:5432/convene_big

The sweep's steps (breach, escalate, remind: what ``sweep_run`` does before
sending emails), each timed with its query count: on the database as
generated (nothing should be due), after 1,000 clocks are made overdue
(the running ones, then met ones reopened on a small database; breach them,
raise their escalations, decide the recipients), and once more with nothing
due. Everything runs in one transaction that is rolled back, so the database
is left as it was. Each step prints its wall time and this process's CPU time
(on SQLite, the database's work too: it runs in the process), which a busy
machine disturbs less, and on a PostgreSQL server on this machine the server's CPU time
for the connection too. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections import deque
from datetime import timedelta
from pathlib import Path

# CONVENE_BENCH_ROOT: another checkout to measure (e.g. main's, for before/after figures).
ROOT = Path(os.environ.get("CONVENE_BENCH_ROOT") or Path(__file__).resolve().parents[1])


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--breaches", type=int, default=1_000)
    parser.add_argument(
        "--steps", default="breach,escalate,remind", help="comma-separated: the steps to time"
    )
    parser.add_argument(
        "--slowest",
        type=int,
        default=0,
        help="print each step's N slowest statements (where its database time goes)",
    )
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("CONVENE_DEVELOPMENT", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from convene.clocks.escalation_sweep import escalations_raise_due
    from convene.clocks.models import Clock
    from convene.clocks.reminders import clock_reminders_decide
    from convene.clocks.services import clocks_sweep

    # Count every query, not only the last 9,000 Django keeps by default.
    connection.queries_log = deque(maxlen=10_000_000)

    def failed(clock_id: int, error: Exception) -> None:
        print(f"    clock {clock_id}: {type(error).__name__}: {error}", flush=True)

    wanted = set(options.steps.split(","))
    steps = [
        (name, run)
        for name, run in (
            ("breach", lambda now: len(clocks_sweep(now=now))),
            ("escalate", lambda now: len(escalations_raise_due(now=now, on_error=failed))),
            ("remind", lambda now: clock_reminders_decide(now=now, on_error=failed)),
        )
        if name in wanted
    ]

    # The database server's own CPU time for this connection, when it runs on this machine
    # (its backend process is in /proc): with the process's, a figure the load disturbs less
    # than wall time.
    server_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            server_pid = cursor.fetchone()[0]
        if not Path(f"/proc/{server_pid}/stat").exists():
            server_pid = None

    def server_cpu() -> float:
        if server_pid is None:
            return 0.0
        fields = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()
        # utime and stime (fields 14 and 15 of proc(5)), in clock ticks.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def timed(name: str) -> None:
        # One sweep as the worker runs it (sweep_run, emails not sent), step by step.
        print(f"{name}:", flush=True)
        total_seconds = total_cpu = total_server = total_queries = 0.0
        for step, run in steps:
            with CaptureQueriesContext(connection) as queries:
                began, began_cpu = time.perf_counter(), time.process_time()
                began_server = server_cpu()
                done = run(timezone.now())
                seconds = time.perf_counter() - began
                cpu = time.process_time() - began_cpu
                server = server_cpu() - began_server
            total_seconds += seconds
            total_cpu += cpu
            total_server += server
            total_queries += len(queries)
            print(
                f"  {step:<10} {seconds:>9.2f} s {cpu:>8.2f} s CPU {len(queries):>9,} queries"
                f"  {done:,} done" + (f"; server CPU {server:.2f} s" if server_pid else ""),
                flush=True,
            )
            if options.slowest:
                _print_slowest(queries.captured_queries, options.slowest)
        print(
            f"  {'sweep':<10} {total_seconds:>9.2f} s {total_cpu:>8.2f} s CPU"
            f" {int(total_queries):>9,} queries"
            + (f"; server CPU {total_server:.2f} s" if server_pid else ""),
            flush=True,
        )

    # A running worker loads the URL configuration (every app's views) once, at its first
    # notice's link; timed here on its own, not as part of the first sweep's escalations.
    from django.urls import get_resolver

    began = time.process_time()
    get_resolver().reverse_dict  # noqa: B018 - loads the URL configuration
    print(f"URL configuration loaded once: {time.process_time() - began:.2f} s CPU", flush=True)
    # Likewise each policy pack the clocks follow and its working-day calendar (built once per
    # set of closure days and kept: about 1 s of CPU, which the first escalation paid).
    from convene.policy.errors import PolicyInvalid
    from convene.policy.loader import UnknownPolicy, load_pack

    began = time.process_time()
    for policy_id in Clock.objects.order_by().values_list("policy_id", flat=True).distinct():
        # A pack that cannot be read: the sweep logs it per clock, as a running worker would.
        with contextlib.suppress(UnknownPolicy, PolicyInvalid):
            load_pack(policy_id).calendar  # noqa: B018 - builds the calendar
    spent = time.process_time() - began
    print(f"Policy packs and their calendars loaded once: {spent:.2f} s CPU", flush=True)
    try:
        with transaction.atomic():
            timed("as generated (nothing should be due)")
            # The running clocks first; a small database has too few, so met ones are
            # reopened to make up the number (as if they had never been met).
            running = list(
                Clock.objects.filter(state=Clock.State.PENDING)
                .order_by("pk")
                .values_list("pk", flat=True)[: options.breaches]
            )
            running += list(
                Clock.objects.filter(state=Clock.State.MET)
                .order_by("-pk")
                .values_list("pk", flat=True)[: options.breaches - len(running)]
            )
            past = timezone.now() - timedelta(minutes=1)
            moved: dict[str, object] = {
                "state": Clock.State.PENDING,
                "met_at": None,
                "started_at": past - timedelta(hours=1),
                "due_at": past,
            }
            if hasattr(Clock, "escalate_at"):  # the cursor, as clock_start sets it
                from convene.clocks.schedule import next_reminder_at

                moved.update(escalate_at=past, remind_at=next_reminder_at(due=past))
            Clock.objects.filter(pk__in=running).update(**moved)
            timed(f"{len(running):,} clocks made overdue (running, or met ones reopened)")
            timed("again, nothing due")
            raise _Rollback
    except _Rollback:
        print("(rolled back: the database is as it was)")


def _print_slowest(queries: list[dict[str, str]], count: int) -> None:
    """The ``count`` statements that took longest, and the step's database time by kind of
    statement (its first words), to tell the server's time from the client's."""
    by_kind: dict[str, list[float]] = {}
    for query in queries:
        words = " ".join(query["sql"].split()[:3])
        by_kind.setdefault(words, []).append(float(query["time"]))
    for words, times in sorted(by_kind.items(), key=lambda item: -sum(item[1]))[:count]:
        print(f"      {sum(times):8.2f} s in {len(times):>5} x {words[:60]}", flush=True)
    for query in sorted(queries, key=lambda q: -float(q["time"]))[:count]:
        print(f"      {float(query['time']):8.2f} s  {query['sql'][:140]}", flush=True)


if __name__ == "__main__":
    main()
