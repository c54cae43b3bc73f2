"""My work (`allocation.work.work_for`) section by section, per persona (issue 15): each
section's queries captured, then `EXPLAIN ANALYZE`d (planning + execution, ms, median of
``--repeat``, summed; the person's roles, agency and partnerships, asked once per request,
left out), and the section's CPU time in this process (median of ``--repeat`` runs, each
with a fresh person object, as a request has). Reads only:

    DEBUG=true CONVENE_DEVELOPMENT=true DATABASE_URL=postgresql://…/perf50k \\
        .venv/bin/python bench/work_sections.py bob hana --repeat 5

With CONVENE_BENCH_ROOT=/work/main (and its PYTHONPATH) it measures that checkout's code.
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("CONVENE_BENCH_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.explained import explained_ms  # noqa: E402
from convene.allocation import work, work_actions, work_follow_through  # noqa: E402
from convene.allocation.work_rows import Mine  # noqa: E402
from convene.people.models import Professional  # noqa: E402

SECTIONS = [
    "_triage",
    "_to_convene",
    "_to_hold",
    "_records",
    "records_to_correct",
    "outcomes_untold",
    "_s47",
    "s47s_drifting",
    "care_plan_reviews_to_record",
    "hrpm_decisions_to_make",
    "_icpcs",
    "_hrpms",
    "_invitations",
    "_agency_checks",
    "_to_confirm",
    "actions_due",
    "escalations",
]
PER_REQUEST = re.compile(r'FROM "(people_rolegrant|people_agency|people_partnership|django_)')


def _section(name: str) -> Callable[..., Any]:
    if name == "escalations":  # work_escalations on this branch, work._escalations before
        try:
            from convene.allocation.work_escalations import escalations_to_answer

            return escalations_to_answer
        except ImportError:
            return work._escalations  # type: ignore[attr-defined]
    found = (
        getattr(work, name, None)
        or getattr(work_follow_through, name, None)
        or getattr(work_actions, name)
    )
    return found  # type: ignore[no-any-return]


def measure(username: str, repeat: int) -> None:
    print(f"== {username}: section, SQL ms (EXPLAIN ANALYZE), CPU ms, queries")
    total_sql = total_cpu = 0.0
    captured: list[tuple[str, Any]] = []

    def capture(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        captured.append((sql, params))
        return execute(sql, params, many, context)

    for name in SECTIONS:
        section = _section(name)
        takes_mine = "mine" in inspect.signature(section).parameters
        cpu = []
        for _ in range(repeat + 1):
            user = Professional.objects.get(username=username)
            args = [user, Mine.of(user)] if takes_mine else [user]
            captured.clear()
            started = time.process_time()
            with connection.execute_wrapper(capture):
                section(*args, timezone.now())
            cpu.append((time.process_time() - started) * 1000)
        asked = [(s, p) for s, p in captured if not PER_REQUEST.search(s.split(" WHERE")[0])]
        sql_ms = sum(explained_ms(s, p, repeat) for s, p in asked)
        cpu_ms = statistics.median(cpu[1:])
        total_sql += sql_ms
        total_cpu += cpu_ms
        print(f"  {name:28s} {sql_ms:7.1f} {cpu_ms:7.1f} {len(asked):3d}")
    print(f"  {'work_for, summed':28s} {total_sql:7.1f} {total_cpu:7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("personas", nargs="+")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    for username in options.personas:
        measure(username, options.repeat)


if __name__ == "__main__":
    main()
