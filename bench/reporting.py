"""How long a year's dashboard figures take over N clocks (issue 13; target < 0.5 s).

    python bench/reporting.py --clocks 100000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/h_reports_bench

Migrates the (fresh, throwaway) database, makes one partnership, bulk-inserts N clocks
spread over two years (every kind; met, some late, breached, open), then times the
dashboard's aggregates for one financial year: timeliness with its percentiles,
escalations, decisions, overrides and the quality audit (no records or escalations are
generated: bench/generate.py builds whole cases).
Prints the median and worst of ``--repeat`` runs and the number of queries.
Synthetic data only; it writes, so never point it at live data.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 10_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    os.environ.update(
        {"DATABASE_URL": options.database_url, "CONVENE_DEVELOPMENT": "true", "DEBUG": "false"}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--no-input", verbosity=0)

    from django.contrib.contenttypes.models import ContentType

    from convene.clocks.models import Clock
    from convene.people.models import Child, Partnership
    from convene.policy.vocab import ClockKind
    from convene.reporting.access import Scope
    from convene.reporting.periods import Period
    from convene.reporting.quality import quality_audit
    from convene.reporting.selectors import (
        decisions_by_outcome,
        escalations_summary,
        overrides_by_rule,
        timeliness,
    )

    partnership, created = Partnership.objects.get_or_create(
        name="Bench partnership", defaults={"local_authority": "Bench", "policy_id": "england"}
    )
    child_type = ContentType.objects.get_for_model(Child)
    if created or not Clock.objects.filter(partnership=partnership).exists():
        rng = random.Random(13)
        kinds = list(ClockKind)
        origin = datetime(2025, 4, 1, tzinfo=UTC)
        started_loading = time.perf_counter()
        rows = []
        for index in range(options.clocks):
            start = origin + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
            due = start + timedelta(hours=rng.choice([8, 24, 72, 15 * 24]))
            roll = rng.random()
            fields: dict[str, object] = {}
            if roll < 0.7:
                fields = {"state": "met", "met_at": start + (due - start) * rng.uniform(0.1, 1.3)}
            elif roll < 0.85:
                fields = {"state": "breached", "breached_at": due}
            rows.append(
                Clock(
                    partnership=partnership,
                    kind=kinds[index % len(kinds)].value,
                    rule_id="bench",
                    policy_id="england",
                    policy_version="bench",
                    citation="bench",
                    subject_type=child_type,
                    subject_id=index + 1,
                    started_at=start,
                    due_at=due,
                    **fields,
                )
            )
            if len(rows) == BATCH:
                Clock.objects.bulk_create(rows)
                rows = []
        Clock.objects.bulk_create(rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        print(f"loaded {options.clocks:,} clocks in {time.perf_counter() - started_loading:.1f} s")

    scope = Scope(partnership=partnership, whole=True, agency_id=None)
    year = Period(date(2025, 4, 1), date(2026, 4, 1), "2025-26")
    timings = []
    queries = 0
    for _ in range(options.repeat):
        started = time.perf_counter()
        counter = _Counter()
        with connection.execute_wrapper(counter):
            rows = timeliness(scope=scope, period=year)
            escalations_summary(scope=scope, period=year)
            decisions_by_outcome(scope=scope, period=year)
            overrides_by_rule(scope=scope, period=year)
            quality_audit(scope=scope, period=year)
        timings.append(time.perf_counter() - started)
        queries = counter.count
    counted = sum(row.started for row in rows)
    print(
        f"year's dashboard aggregates over {Clock.objects.count():,} clocks "
        f"({counted:,} in the year) on {connection.vendor}: median "
        f"{statistics.median(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms, "
        f"{queries} queries (target < 500 ms)"
    )


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)


if __name__ == "__main__":
    main()
