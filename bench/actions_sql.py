"""SQL time of the action lists, per persona: planning + execution of each query they run.

    .venv/bin/python bench/actions_sql.py --database-url postgresql://…/gen50k_x \
        [--personas carol,alice] [--repeat 3]
    CONVENE_BENCH_ROOT=/path/to/main's/checkout .venv/bin/python bench/actions_sql.py …

Builds My actions (both sections' first page, as the view does) and the my-actions API's
first page (100 rows) through the selectors, with no audit entry written, records the
queries they run, then runs ``EXPLAIN (ANALYZE, FORMAT JSON)`` of each ``--repeat`` times
and prints the medians (docs/performance.md, "Action lists without per-row subqueries").
Reads only. PostgreSQL only.
"""

from __future__ import annotations

import argparse
import json
import statistics
from typing import Any

from pages import setup_django  # type: ignore[import-not-found]

PAGE = 50


def _lists(user: Any) -> dict[str, Any]:
    from django.utils import timezone

    from convene.followup.actions import selectors as s

    try:
        from convene.followup.actions.row_details import with_row_details
    except ImportError:  # a checkout before row_details: its rows carry their details

        def with_row_details(rows: Any, *, now: Any) -> Any:
            return rows

    def walked(rows: Any, now: Any) -> Any:
        try:
            return rows(now=now)  # before row_details, the walk annotated the details
        except TypeError:
            return rows()

    def page() -> None:
        now = timezone.now()
        mine = s.mine(s.actions_visible_to(user=user), user=user)
        hrpms = s.mine(s.hrpm_actions_visible_to(user=user), user=user)
        for rows in (
            walked(lambda **now: s.action_rows(mine, **now), now),
            walked(lambda **now: s.hrpm_action_rows(hrpms, **now), now),
        ):
            found = s.actions_page(rows, show_all=False, before=None, size=PAGE)
            with_row_details(found.rows, now=now)

    def api() -> None:
        s.my_actions_merged(
            user=user, now=timezone.now(), include_done=False, before=None, limit=100
        )

    return {"my-actions": page, "api-my-actions": api}


def _explained(sql: str, repeat: int) -> tuple[float, float]:
    from django.db import connection

    plans, runs = [], []
    for _ in range(repeat):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        plans.append(plan[0]["Planning Time"])
        runs.append(plan[0]["Execution Time"])
    return statistics.median(plans), statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--personas", default="carol,alice,bob,ivy")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    setup_django(options.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from convene.people.models import Professional

    print("persona  list             queries  planning ms  execution ms  total ms")
    for name in options.personas.split(","):
        user = Professional.objects.get(username=name)
        for label, build in _lists(user).items():
            build()  # the person's cached reads (roles, partnerships) out of the way
            with CaptureQueriesContext(connection) as captured:
                build()
            timed = [_explained(q["sql"], options.repeat) for q in captured.captured_queries]
            planning = sum(p for p, _ in timed)
            running = sum(r for _, r in timed)
            print(
                f"{name:8} {label:16} {len(timed):7} {planning:12.1f} {running:13.1f}"
                f" {planning + running:9.1f}"
            )


if __name__ == "__main__":
    main()
