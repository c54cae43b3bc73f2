"""PostgreSQL plans for the tests that check an index answers a query as it must at scale."""

from __future__ import annotations

from typing import Any

from django.db import connection


def plan_without(queryset: Any, *methods: str) -> str:
    """``queryset.explain()`` with the planner's ``methods`` (``seqscan``, ``sort``,
    ``bitmapscan``) forbidden for the one query: the test database is tiny, and the planner
    would read its few rows whole where the real tables are answered by an index."""
    with connection.cursor() as cursor:
        for method in methods:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        plan = queryset.explain()
        for method in methods:
            cursor.execute(f"RESET enable_{method}")
    return str(plan)
