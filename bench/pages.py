"""Server time of every list page and API list, for each persona (docs/performance.md).

    python bench/pages.py [--database-url URL] [--children 200] [--repeat 7]
                          [--personas alice,bob] [--routes home,my-work] [--no-demo] [--cpu]

It always measures a fresh demo database (``convene demo``, ``--children`` children, in a
temporary SQLite file). With ``--database-url`` (a large generated partnership,
bench/generate.py) it measures that one too and prints one table with the two side by
side, per persona and page: status, median and p95 milliseconds and the queries of the
last request, for the demo and for the large database (``--no-demo``: the large one
alone). Each persona is signed in with Django's test Client, in process, and each page
is requested ``--repeat`` times after one warm-up request, one request at a time, so the
figures are server time without the network (``--cpu``: this process's CPU time
instead). The demo side runs in a child process (Django is set up once per process, for
one database).

Signing in, the API tokens it makes (revoked at the end) and the pages it reads write
to the database as any use would (sign-in records, audit entries): point it at a
throwaway copy, never at live data.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# CONVENE_BENCH_ROOT: another checkout to measure (e.g. main's, for before/after ratios).
ROOT = Path(os.environ.get("CONVENE_BENCH_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))

# (name, path, is_api). Paths are the lists every persona may open; a persona that may
# not use one gets its refusal timed, as it would in use.
ROUTES: tuple[tuple[str, str, bool], ...] = (
    ("home", "/", False),
    ("my-work", "/my-work/", False),
    ("work", "/work/", False),  # allocation's My work (a manager's own cases)
    ("team-work", "/work/?show=team", False),  # the same for their teams
    ("my-invitations", "/invitations/", False),
    ("referrals", "/referrals/", False),
    ("escalations", "/escalations/", False),
    ("notifications", "/notifications/", False),
    ("s47-list", "/s47/", False),
    ("my-actions", "/my-actions/", False),
    ("actions", "/actions/", False),
    ("hrpm-list", "/hrpm/", False),
    ("child-search", "/?q=sm", False),
    ("api-children", "/api/children/?q=sm", True),
    ("api-referrals", "/api/referrals/", True),
    ("api-discussions", "/api/discussions/", True),
    ("api-my-actions", "/api/followup/my-actions/", True),
    ("api-s47", "/api/followup/s47/", True),
)
DEFAULT_PERSONAS = ("alice", "bob", "hana", "ivy", "carol", "dev", "erin", "nick")
# What a request is timed by: wall time, or with --cpu this process's CPU time (on SQLite
# that includes the database's work; on PostgreSQL the server's share is left out). CPU
# time moves far less than wall time when other work shares the machine.
CLOCK = {"clock": time.perf_counter}


def build_demo(folder: str, children: int) -> str:
    url = f"sqlite:///{folder}/bench.sqlite3"
    env = {**os.environ, "CONVENE_DEVELOPMENT": "true", "DATABASE_URL": url}
    for args in (["migrate", "--no-input", "-v0"], ["demo", "--children", str(children)]):
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                *args,
                *(["--quiet-logins"] * (args[0] == "demo")),
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return url


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["CONVENE_DEVELOPMENT"] = "true"
    os.environ["CONVENE_DEMO_SKIP_2FA"] = "true"
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
    import importlib
    import logging

    # The app as production loads it (convene/wsgi.py: every view module imported, then the
    # collector's generations frozen), so the figures include what that saves (issue 15).
    importlib.import_module("convene.wsgi")
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # refusals are timed, not logged


def time_route(
    client: Any, path: str, headers: dict[str, str], repeat: int
) -> tuple[int, list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, headers=headers)  # warm-up: caches, compiled templates
    timings: list[float] = []
    queries = 0
    status = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            clock = CLOCK["clock"]
            started = clock()
            response = client.get(path, headers=headers)
            timings.append((clock() - started) * 1000)
        queries = len(captured.captured_queries)
        status = response.status_code
    return status, timings, queries


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


Row = tuple[str, str, int, float, float, int]  # persona, route, status, median, p95, queries


def measure(options: argparse.Namespace) -> list[Row]:
    from django.test import Client

    from convene.api.services import api_token_create, api_token_revoke
    from convene.people.models import Professional

    names = [n for n in options.personas.split(",") if n] if options.personas else DEFAULT_PERSONAS
    wanted = set(options.routes.split(",")) if options.routes else None
    routes = [r for r in ROUTES if wanted is None or r[0] in wanted]
    rows: list[Row] = []
    for username in names:
        user = Professional.objects.get(username=username)
        client = Client()
        client.force_login(user)
        token, raw = api_token_create(user=user, name="bench/pages.py")
        try:
            for name, path, is_api in routes:
                headers = {"Authorization": f"Bearer {raw}"} if is_api else {}
                status, timings, queries = time_route(client, path, headers, options.repeat)
                rows.append(
                    (username, name, status, statistics.median(timings), p95(timings), queries)
                )
        finally:
            api_token_revoke(token=token, by=user)
        print(f"  {username}: {len(routes)} pages measured", file=sys.stderr, flush=True)
    return rows


def _summary(label: str, rows: list[Row], target: tuple[str, float]) -> str:
    medians = [row[3] for row in rows]
    kind, limit = target
    over = sum(1 for row in rows if (row[3] if kind == "median" else row[4]) > limit)
    return (
        f"{label}: {len(rows)} rows, median of medians {statistics.median(medians):.1f} ms, "
        f"worst median {max(medians):.1f} ms, worst p95 {max(row[4] for row in rows):.1f} ms, "
        f"{over} over the issue's {kind} {limit:.0f} ms"
    )


def print_table(demo: list[Row], large: list[Row]) -> None:
    """One line per persona and page: the demo's figures, then the large database's."""
    cells = "status median ms   p95 ms queries"
    sides = [name for name, rows in (("demo", demo), ("large", large)) if rows]
    head = "  |  ".join(f"{side + ':':<6} {cells}" for side in sides)
    print(f"{'persona':<8} {'route':<16}  |  {head}")
    by_key = {(r[0], r[1]): r for r in large}
    keys = [(r[0], r[1]) for r in demo] or [(r[0], r[1]) for r in large]
    demo_by_key = {(r[0], r[1]): r for r in demo}
    for key in keys:
        parts = []
        for rows_by_key in (demo_by_key, by_key):
            if not rows_by_key:
                continue
            row = rows_by_key.get(key)
            parts.append(
                f"{'':<6} {row[2]:>6} {row[3]:>9.1f} {row[4]:>8.1f} {row[5]:>7}"
                if row
                else f"{'':<6} {'-':>6} {'-':>9} {'-':>8} {'-':>7}"
            )
        print(f"{key[0]:<8} {key[1]:<16}  |  " + "  |  ".join(parts))
    if demo:
        print(_summary("demo", demo, ("median", 30)))
    if large:
        print(_summary("large", large, ("p95", 100)))


def _demo_rows(options: argparse.Namespace) -> list[Row]:
    """Measure a fresh demo database in a child process; its rows come back as JSON."""
    command = [sys.executable, __file__, "--json", "--children", str(options.children)]
    command += ["--repeat", str(options.repeat), "--personas", options.personas]
    command += ["--routes", options.routes, *(["--cpu"] * options.cpu)]
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return [tuple(row) for row in json.loads(done.stdout.strip().splitlines()[-1])]  # type: ignore[misc]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a fresh demo database")
    parser.add_argument("--children", type=int, default=200, help="demo size when building one")
    parser.add_argument("--repeat", type=int, default=7, help="timed requests per page")
    parser.add_argument("--personas", default="", help="comma-separated usernames")
    parser.add_argument("--routes", default="", help="comma-separated route names")
    parser.add_argument("--no-demo", action="store_true", help="the large database alone")
    parser.add_argument("--cpu", action="store_true", help="time by CPU, not wall time")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # child process
    options = parser.parse_args()
    if options.cpu:
        CLOCK["clock"] = time.process_time
    if options.database_url:
        demo = [] if options.no_demo else _demo_rows(options)
        setup_django(options.database_url)
        print_table(demo, measure(options))
        return
    with tempfile.TemporaryDirectory() as folder:
        setup_django(build_demo(folder, options.children))
        rows = measure(options)
    if options.json:
        print(json.dumps(rows))
    else:
        print_table(rows, [])


if __name__ == "__main__":
    main()
