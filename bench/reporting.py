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

``--pages year,month,mid,team`` times the whole page for other periods too (issue 13, edge
months): ``month`` is this month to date as on 15 March 2026 at noon (the clock stopped
there: the data ends on 1 April 2026), ``mid`` the dates 10 June 2025 to 20 February 2026
(an edge month at each end), ``team`` the year for one team (counted live over its cases:
the first run allocates every eighth referral of the partnership, of every year, to a "Bench
team": 125,000 open cases at a million, far more than any team holds), ``area-team`` the
year for a team of a real team's size (2,500 of the year's referrals, evenly spread, to a
"Bench area team").
``--pages-only`` times those pages and nothing else. ``CONVENE_BENCH_ROOT=/work/main``
times another checkout's code on the same database (before/after).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# CONVENE_BENCH_ROOT: another checkout to measure (e.g. main's, for before/after ratios).
ROOT = Path(os.environ.get("CONVENE_BENCH_ROOT") or Path(__file__).resolve().parents[1])
YEAR_START, YEAR_END = date(2025, 4, 1), date(2026, 3, 31)
# "This month" as on this day at noon, London: two weeks into the data's last month.
MONTH_DAY = datetime(2026, 3, 15, 12, tzinfo=ZoneInfo("Europe/London"))
TEAM = "Bench team"
TEAM_SHARE = 8  # every eighth referral is the team's
# A team as big as a real one gets (an area team holds hundreds of open cases, a large
# one a few thousand): this many of the year's referrals, spread evenly over it.
OPEN_TEAM = "Bench area team"
OPEN_TEAM_CASES = 2_500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--discussions", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=8)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--returns-repeat", type=int, default=3)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--pages", default="year", help="year,month,mid,team,area-team")
    parser.add_argument("--pages-only", action="store_true")
    parser.add_argument("--tables-period", choices=("year", "month", "mid"), default="year")
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
    pages = [name for name in options.pages.split(",") if name]
    if options.pages_only:
        results = _run(_pages(pages, options.repeat))
    else:
        results = _measure(options.repeat, options.returns_repeat, pages, options.tables_period)
    for name, median, worst, queries in results:
        print(f"| {name} | {median:.3f} | {worst:.3f} | {queries} |")


def _dates(start: date, end: date) -> str:
    return (
        f"period=dates&start-day={start.day}&start-month={start.month}&start-year={start.year}"
        f"&end-day={end.day}&end-month={end.month}&end-year={end.year}"
    )


def _team_id(name: str, which: str, params: list[Any]) -> int:
    """A bench team (made on first use) holding the referrals ``which`` picks (SQL over
    ``r``, with ``params``), allocated by one INSERT ... SELECT (a bench database only)."""
    from django.db import connection

    from convene.allocation.models import Team
    from convene.people.models import Professional
    from convene.reporting.access import report_scope

    hana = Professional.objects.get(username="hana")
    partnership = report_scope(user=hana).partnership
    team, made = Team.objects.get_or_create(partnership=partnership, name=name)
    if made:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO allocation_allocation (created_at, modified_at, subject_kind,"  # noqa: S608 - which: this bench's SQL
                " reason, at, by_id, partnership_id, referral_id, social_worker_id, team_id)"
                " SELECT now(), now(), 'referral', '', r.received_at, %s, r.partnership_id,"
                f" r.id, %s, %s FROM referrals_referral r WHERE r.partnership_id = %s AND {which}"
                # One open allocation a referral: the other bench team's are left to it.
                " AND NOT EXISTS (SELECT 1 FROM allocation_allocation a"
                " WHERE a.referral_id = r.id AND a.ended_at IS NULL)",
                [hana.pk, hana.pk, team.pk, partnership.pk, *params],
            )
            print(f"allocated {cursor.rowcount:,} referrals to {name}", file=sys.stderr)
            # Counted now, as autovacuum would soon: a plan from the empty team's estimates
            # (one row) walks the team's case keys by nested loops, quadratically.
            cursor.execute("ANALYZE allocation_allocation")
    return team.pk


def _eighth_team_id() -> int:
    """Every ``TEAM_SHARE``th referral of every year."""
    return _team_id(TEAM, "r.id %% %s = 0", [TEAM_SHARE])


def _area_team_id() -> int:
    """``OPEN_TEAM_CASES`` of the year's referrals, every ``step``th by id."""
    from convene.referrals.models import Referral

    year = Referral.objects.filter(received_at__date__range=(YEAR_START, YEAR_END))
    ids = year.order_by("pk").values_list("pk", flat=True)
    first, last = ids.first(), ids.last()
    if first is None or last is None:
        raise SystemExit("no referral in the year: build the data first")
    step = max(1, (last - first) // OPEN_TEAM_CASES)
    return _team_id(
        OPEN_TEAM,
        "r.id BETWEEN %s AND %s AND (r.id - %s) %% %s = 0",
        [first, last, first, step],
    )


def _period(name: str) -> tuple[str, str, datetime | None]:
    """(label, the page's query string, the moment to stop the clock at or None)."""
    year = _dates(YEAR_START, YEAR_END)
    if name == "month":
        return "dashboard page, this month to 15 March 2026", "period=month", MONTH_DAY
    if name == "mid":
        mid = _dates(date(2025, 6, 10), date(2026, 2, 20))
        return "dashboard page, 10 June 2025 to 20 February 2026", mid, None
    if name == "team":
        label = "dashboard page, the year, a team of an eighth of every case"
        return label, f"{year}&team={_eighth_team_id()}", None
    if name == "area-team":
        label = f"dashboard page, the year, a team of {OPEN_TEAM_CASES:,} cases"
        return label, f"{year}&team={_area_team_id()}", None
    return "dashboard page, the year 2025-26", year, None


def _pages(names: list[str], repeat: int) -> list[tuple[str, Callable[[], object], int]]:
    """The whole dashboard page for each period named (see the module's docstring)."""
    import time_machine
    from django.test import Client

    from convene.people.models import Professional

    hana = Professional.objects.get(username="hana")
    parts = []
    for name in names:
        label, query, frozen = _period(name)
        # A client of its own, signed in at the stopped clock's time for a stopped clock: a
        # session saved in March 2026 has expired by the real date, and the other way round.
        client = Client()
        if frozen is None:
            client.force_login(hana)
        else:
            with time_machine.travel(frozen):
                client.force_login(hana)

        def page(query: str = query, frozen: datetime | None = frozen, c: Any = client) -> object:
            if frozen is None:
                response = c.get(f"/reports/?{query}")
            else:
                with time_machine.travel(frozen):
                    response = c.get(f"/reports/?{query}")
            assert response.status_code == 200, response.status_code
            return response

        parts.append((label, page, repeat))
    return parts


def _run(parts: list[tuple[str, Callable[[], object], int]]) -> list[tuple[str, float, float, int]]:
    results = []
    for name, run, times in parts:
        results.append((name, *_time(run, times)))
        print(f"  {name}: {results[-1][1]:.3f} s", file=sys.stderr)
    return results


def _table_period(name: str) -> Any:
    """The period each table's builder is timed for (``--tables-period``), as the page
    would ask for it."""
    from convene.reporting.periods import Period

    if name == "month":
        return Period(date(2026, 3, 1), date(2026, 3, 16), "March to date", as_of=MONTH_DAY)
    if name == "mid":
        return Period(
            date(2025, 6, 10), date(2026, 2, 21), "mid", as_of=datetime.now().astimezone()
        )
    return Period(YEAR_START, date(2026, 4, 1), "2025-26")


def _measure(
    repeat: int, returns_repeat: int, pages: list[str], tables_period: str
) -> list[tuple[str, float, float, int]]:
    from django.test import Client
    from django.utils import timezone

    from convene.people.models import Professional
    from convene.reporting.access import report_scope
    from convene.reporting.tables import tables_for
    from convene.reporting.views import SUMMARIES
    from convene.returns.annex_a import write_annex_a
    from convene.returns.cin import CensusYear, write_census

    hana = Professional.objects.get(username="hana")
    scope = report_scope(user=hana)
    period = _table_period(tables_period)
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

    parts += [("dashboard page (all of it, rendered)", page, repeat)]
    parts += _pages([name for name in pages if name != "year"], repeat)
    parts += [
        ("CIN census 2025-26 (XML file)", census, returns_repeat),
        ("Annex A List 5 2025-26 (XLSX file)", annex, returns_repeat),
    ]
    results = _run(parts)
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
