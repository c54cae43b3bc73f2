"""How long the statutory returns take for a year (issue 13; target < 30 s at 1,000,000).

    python bench/returns.py --discussions 5000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/reports13_pg

Migrates the (fresh, throwaway) database and fills it with bench/generate.py's synthetic
partnership of N discussions over eight years (S47 enquiries, ICPCs, allocations: whole
cases, bulk-copied), then times, ``--repeat`` times, the CIN census XML for the census
year ending 31 March ``--year`` and Ofsted's Annex A List 5 rows for the same year, and
prints the median and worst seconds (wall, and CPU of this process: the database's own
time is the difference), the rows and the queries of each. Both are written to files, as
the commands write them (the census XML, List 5 as XLSX). With ``--skip-generate`` it
times a database already generated (bench/reporting.py's data too).
``CONVENE_BENCH_ROOT=/work/main`` times another checkout's code (before/after).
Synthetic data only; it writes, so never point it at live data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# CONVENE_BENCH_ROOT: another checkout to measure (e.g. main's, for before/after ratios).
ROOT = Path(os.environ.get("CONVENE_BENCH_ROOT") or Path(__file__).resolve().parents[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--discussions", type=int, default=5000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--year", type=int, default=2026, help="the census year's 31 March")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-generate", action="store_true")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("CONVENE_DEVELOPMENT", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from convene.followup.models import S47Enquiry
    from convene.people.models import Partnership
    from convene.returns.annex_a import write_annex_a
    from convene.returns.cin import CensusYear, write_census

    if not options.skip_generate:
        from bench.partnership.run import generate_partnership

        call_command("migrate", "--no-input", verbosity=0)
        began = time.perf_counter()
        generate_partnership(discussions=options.discussions, seed=2026, children=None)
        print(
            f"generated {options.discussions:,} discussions in {time.perf_counter() - began:.0f} s"
        )
    busiest = (
        S47Enquiry.objects.values("partnership").annotate(n=Count("pk")).order_by("-n").first()
    )
    assert busiest is not None, "no S47 enquiry generated"
    partnership = Partnership.objects.get(pk=busiest["partnership"])
    year = CensusYear(options.year)

    out = Path(tempfile.mkdtemp()) / "return"

    def census() -> int:
        with out.with_suffix(".xml").open("wb") as file:
            return write_census(file, partnership=partnership, year=year, now=timezone.now())

    def annex() -> int:
        with out.with_suffix(".xlsx").open("wb") as file:
            return write_annex_a(file, partnership=partnership, start=year.start, end=year.end)

    for name, run, what in (("CIN census", census, "children"), ("Annex A List 5", annex, "rows")):
        run()  # to warm up (the calendar, the connection)
        times, cpu = [], []
        for _ in range(options.repeat):
            with CaptureQueriesContext(connection) as queries:
                began, began_cpu = time.perf_counter(), time.process_time()
                rows = run()
                times.append(time.perf_counter() - began)
                cpu.append(time.process_time() - began_cpu)
        print(
            f"{name}, year to 31 March {options.year}: {rows:,} {what}, "
            f"median {statistics.median(times):.2f} s (CPU {statistics.median(cpu):.2f} s), "
            f"worst {max(times):.2f} s, {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
