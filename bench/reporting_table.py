"""Time one dashboard table for the financial year 2025-26 on a database bench/reporting.py
built, with the code of the checkout it is run from (to compare two checkouts):

    cd /work/main && /work/wt-x/.venv/bin/python /work/wt-x/bench/reporting_table.py \\
        --table quality --database-url postgresql://postgres@127.0.0.1:5432/reports_bench

Runs the table's builder (``reporting.tables.tables_for``) as hana once to warm up, then
``--repeat`` times, and prints the median and worst seconds. Only reads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", required=True, help="a key of reporting.views.SUMMARIES")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    os.environ.update(
        {"DATABASE_URL": options.database_url, "CONVENE_DEVELOPMENT": "true", "DEBUG": "false"}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
    sys.path.insert(0, str(Path.cwd()))  # the checkout being measured
    import django

    django.setup()
    from convene.people.models import Professional
    from convene.reporting.access import report_scope
    from convene.reporting.periods import Period
    from convene.reporting.tables import tables_for

    hana = Professional.objects.get(username="hana")
    scope = report_scope(user=hana)
    period = Period(date(2025, 4, 1), date(2026, 4, 1), "2025-26")
    build = tables_for(scope)[options.table]
    assert callable(build)
    build(scope=scope, period=period, user=hana)
    seconds = []
    for _ in range(options.repeat):
        started = time.perf_counter()
        build(scope=scope, period=period, user=hana)
        seconds.append(time.perf_counter() - started)
    print(
        f"{options.table} in {Path.cwd()}: median {statistics.median(seconds):.3f} s, "
        f"worst {max(seconds):.3f} s"
    )


if __name__ == "__main__":
    main()
