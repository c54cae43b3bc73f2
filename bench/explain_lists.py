"""Median EXPLAIN ANALYZE time (planning + execution, ms) of the long lists' page queries
(issue 15, docs/performance.md): the home page's children, My invitations (coming up and
the past page), the HRPM list and My work's conferences (each of the section's queries on
``followup_icpc``, summed), per persona. Reads only (EXPLAIN ANALYZE of SELECTs), so
a shared read-only database is fine:

    DEBUG=true CONVENE_DEVELOPMENT=true DATABASE_URL=postgresql://…/gen50k \\
        .venv/bin/python bench/explain_lists.py alice bob carol [--query sm]

With CONVENE_BENCH_ROOT=/work/main (and its PYTHONPATH) it measures that checkout's code.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(os.environ.get("CONVENE_BENCH_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.explained import explained_ms  # noqa: E402
from convene.discussions import invitation_pages  # noqa: E402
from convene.discussions.selectors import invitations_of  # noqa: E402
from convene.followup.hrpm.selectors import hrpms_listed  # noqa: E402
from convene.people import selectors  # noqa: E402
from convene.people.models import Professional  # noqa: E402


def _ms(rows: QuerySet, repeat: int) -> float:
    sql, params = rows.query.sql_with_params()
    return explained_ms(sql, params, repeat)


def _icpc_section_ms(user: Professional, repeat: int) -> float:
    """My work's conferences (``allocation.work._icpcs``): run once, its queries on the
    conferences captured and each explained; main's and a branch's plan alike."""
    from convene.allocation import work
    from convene.allocation.work_rows import Mine

    captured: list[tuple[str, tuple]] = []

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        captured.append((sql, params))
        return execute(sql, params, many, context)

    mine = Mine.of(user)
    with connection.execute_wrapper(wrapper):
        work._icpcs(user, mine, timezone.now())
    return sum(
        explained_ms(sql, params, repeat)
        for sql, params in captured
        if 'FROM "followup_icpc"' in sql
    )


def _lists(user: Professional, query: str) -> dict[str, QuerySet]:
    listed = getattr(selectors, "children_listed", None)  # main before issue 15 had none
    children = (
        listed(user=user, query=query)
        if listed
        else selectors.children_search(user=user, query=query).order_by(
            "last_name", "first_name", "pk"
        )
    )
    now = timezone.now()
    mine = invitations_of(user=user)
    upcoming = invitation_pages._upcoming_q(now)
    hrpms = hrpms_listed(user=user).order_by("child__last_name", "child__first_name", "pk")
    return {
        "home": children[:25],
        "invitations-upcoming": mine.filter(upcoming)[:51],
        "invitations-past": mine.exclude(upcoming).order_by("-pk")[:21],
        "hrpm-list": hrpms[:51],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("personas", nargs="+")
    parser.add_argument("--query", default="", help="the home page's search (?q=)")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    print(f"{'persona':8} " + " ".join(f"{name:>21}" for name in _lists_names()))
    for name in options.personas:
        user = Professional.objects.get(username=name)
        figures = [_ms(rows, options.repeat) for rows in _lists(user, options.query).values()]
        figures.append(_icpc_section_ms(user, options.repeat))
        print(f"{name:8} " + " ".join(f"{ms:21.1f}" for ms in figures))


def _lists_names() -> tuple[str, ...]:
    return ("home", "invitations-upcoming", "invitations-past", "hrpm-list", "work-icpc")


if __name__ == "__main__":
    main()
