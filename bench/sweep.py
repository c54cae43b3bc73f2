"""Time the clock sweep (what the worker runs every CONVENE_SWEEP_SECONDS) on a given database.

    python bench/sweep.py --database-url postgresql://postgres@127.0.0.1:5432/convene_big

Three timings, each with its query count: one sweep to settle whatever is due
now ("catch-up"), a sweep with nothing due, and a sweep after 1,000 running
clocks are made overdue (breach, escalate, decide recipients, remind; emails
are not sent). Everything runs in one transaction that is rolled back, so the
database is left as it was. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--breaches", type=int, default=1_000)
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

    from convene.clocks.models import Clock
    from convene.clocks.sweep import sweep_run

    rows: list[tuple[str, float, int, dict[str, int]]] = []

    def timed(name: str) -> None:
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            report = sweep_run(now=timezone.now(), send=False)
            seconds = time.perf_counter() - began
        rows.append((name, seconds, len(queries), report))

    try:
        with transaction.atomic():
            timed("catch-up (whatever is due now)")
            timed("nothing due")
            running = list(
                Clock.objects.filter(state=Clock.State.PENDING)
                .order_by("pk")
                .values_list("pk", flat=True)[: options.breaches]
            )
            past = timezone.now() - timedelta(minutes=1)
            Clock.objects.filter(pk__in=running).update(
                started_at=past - timedelta(hours=1), due_at=past
            )
            timed(f"{len(running):,} clocks overdue")
            raise _Rollback
    except _Rollback:
        pass
    print(f"{'sweep':<34} {'seconds':>9} {'queries':>9}  result")
    for name, seconds, queries, report in rows:
        print(f"{name:<34} {seconds:>9.2f} {queries:>9,}  {report}")


if __name__ == "__main__":
    main()
