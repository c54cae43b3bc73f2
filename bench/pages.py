"""Server time of every list page and API list, for each persona (docs/performance.md).

    python bench/pages.py [--database-url URL] [--children 200] [--repeat 7]
                          [--personas alice,bob] [--routes home,my-work]

Without ``--database-url`` it builds a fresh demo database (``convene demo``) in a
temporary SQLite file. It then signs in as each persona (convene/people/personas.py)
with Django's test Client, in this process, and requests each page ``--repeat`` times
after one warm-up request, printing one table: median and p95 milliseconds and the
number of queries of the last request. Requests are made one at a time, so the
figures are server time on an otherwise idle machine, without the network.

Signing in, the API tokens it makes (revoked at the end) and the pages it reads write
to the database as any use would (sign-in records, audit entries): point it at a
throwaway copy, never at live data.
"""

from __future__ import annotations

import argparse
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
    import logging

    import django

    django.setup()
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
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
        status = response.status_code
    return status, timings, queries


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(options: argparse.Namespace) -> None:
    from django.test import Client

    from convene.api.services import api_token_create, api_token_revoke
    from convene.people.models import Professional

    names = [n for n in options.personas.split(",") if n] if options.personas else DEFAULT_PERSONAS
    wanted = set(options.routes.split(",")) if options.routes else None
    routes = [r for r in ROUTES if wanted is None or r[0] in wanted]
    rows: list[tuple[str, str, int, float, float, int]] = []
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
    print(
        f"{'persona':<8} {'route':<16} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}"
    )
    for username, name, status, median, high, queries in rows:
        print(f"{username:<8} {name:<16} {status:>6} {median:>10.1f} {high:>8.1f} {queries:>8}")
    medians = [row[3] for row in rows]
    print(
        f"all {len(rows)} rows: median of medians {statistics.median(medians):.1f} ms, "
        f"worst median {max(medians):.1f} ms, worst p95 {max(row[4] for row in rows):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a fresh demo database")
    parser.add_argument("--children", type=int, default=200, help="demo size when building one")
    parser.add_argument("--repeat", type=int, default=7, help="timed requests per page")
    parser.add_argument("--personas", default="", help="comma-separated usernames")
    parser.add_argument("--routes", default="", help="comma-separated route names")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or build_demo(folder, options.children)
        setup_django(url)
        run(options)


if __name__ == "__main__":
    main()
