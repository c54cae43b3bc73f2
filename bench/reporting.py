"""A year's dashboard and statutory returns over N discussions (issue 13: < 0.5 s, < 30 s).

    createdb -h 127.0.0.1 -U postgres reports_bench
    nice -n 10 .venv/bin/python bench/reporting.py --discussions 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/reports_bench

Migrates the (fresh, throwaway) PostgreSQL database and fills it by COPY with the rows the
reports read for N discussions spread over ``--years`` years ending 1 April 2026
(bench/reporting_data.py); ``--skip-build`` times a database already built, ``--build-only``
only builds. Then, for the financial year 2025-26, as Hana (head of service), ``--repeat``
times each: every table of the dashboard, the whole dashboard page (server time, in
process), the CIN census for the year ending 31 March 2026 written to a file, and Ofsted's
Annex A List 5 for the year. Prints one table: median and worst seconds of the timed runs
(after one to warm up) and the queries of one run. Synthetic data only; it writes, so never
point it at live data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
YEAR_START, YEAR_END = date(2025, 4, 1), date(2026, 3, 31)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--discussions", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=8)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--returns-repeat", type=int, default=3)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    options = parser.parse_args()
    os.environ.update(
        {
            "DATABASE_URL": options.database_url,
            "CONVENE_DEVELOPMENT": "true",
            "CONVENE_DEMO_SKIP_2FA": "true",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        parser.error("--database-url must be a PostgreSQL database (the load uses COPY)")
    if not options.skip_build:
        from bench.reporting_data import build

        call_command("migrate", "--no-input", verbosity=0)
        counts = build(discussions=options.discussions, years=options.years)
        print(", ".join(f"{table} {n:,}" for table, n in counts.items()))
    if options.build_only:
        return
    for name, median, worst, queries in _measure(options.repeat, options.returns_repeat):
        print(f"| {name} | {median:.3f} | {worst:.3f} | {queries} |")


def _measure(repeat: int, returns_repeat: int) -> list[tuple[str, float, float, int]]:
    from django.test import Client
    from django.utils import timezone

    from convene.people.models import Professional
    from convene.reporting.access import report_scope
    from convene.reporting.periods import Period
    from convene.reporting.tables import tables_for
    from convene.reporting.views import SUMMARIES
    from convene.returns.annex_a import write_annex_a
    from convene.returns.cin import CensusYear, write_census

    hana = Professional.objects.get(username="hana")
    scope = report_scope(user=hana)
    period = Period(YEAR_START, date(2026, 4, 1), "2025-26")
    client = Client()
    client.force_login(hana)
    url = (
        "/reports/?period=dates"
        f"&start-day={YEAR_START.day}&start-month={YEAR_START.month}"
        f"&start-year={YEAR_START.year}"
        f"&end-day={YEAR_END.day}&end-month={YEAR_END.month}&end-year={YEAR_END.year}"
    )
    builders: dict[str, Any] = tables_for(scope)
    parts: list[tuple[str, Callable[[], object], int]] = [
        (
            f"dashboard: {key}",
            lambda b=builders[key]: b(scope=scope, period=period, user=hana),
            repeat,
        )
        for key in SUMMARIES
    ]

    def page() -> object:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert b"2025 to 31 March 2026" in response.content, "the period was not read"
        return response

    out = Path(tempfile.mkdtemp()) / "return"

    def census() -> object:
        with out.with_suffix(".xml").open("wb") as file:
            return write_census(
                file, partnership=scope.partnership, year=CensusYear(2026), now=timezone.now()
            )

    def annex() -> object:
        with out.with_suffix(".xlsx").open("wb") as file:
            return write_annex_a(
                file, partnership=scope.partnership, start=YEAR_START, end=YEAR_END
            )

    parts += [
        ("dashboard page (all of it, rendered)", page, repeat),
        ("CIN census 2025-26 (XML file)", census, returns_repeat),
        ("Annex A List 5 2025-26 (XLSX file)", annex, returns_repeat),
    ]
    results = []
    for name, run, times in parts:
        results.append((name, *_time(run, times)))
        print(f"  {name}: {results[-1][1]:.3f} s", file=sys.stderr)
    print(
        f"census: {out.with_suffix('.xml').stat().st_size:,} bytes; "
        f"Annex A: {out.with_suffix('.xlsx').stat().st_size:,} bytes",
        file=sys.stderr,
    )
    return results


def _time(run: Callable[[], object], times: int) -> tuple[float, float, int]:
    from django.db import connection

    seconds = []
    counter = _Counter()
    run()  # once to warm up: the policy pack, templates, the connection
    for _ in range(times):
        counter.count = 0
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), max(seconds), counter.count


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)


if __name__ == "__main__":
    main()
