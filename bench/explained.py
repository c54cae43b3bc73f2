"""Server time of one statement, from PostgreSQL's own ``EXPLAIN ANALYZE`` (planning plus
execution), for the benches that time sections of a page query by query."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from typing import Any

_TIMES = re.compile(r"(?:Planning|Execution) Time: ([\d.]+)")


def explained_ms(sql: str, params: Sequence[Any] | None, repeat: int) -> float:
    """Median over ``repeat`` runs (after one that warms the cache) of planning plus
    execution time, in milliseconds."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat + 1):
            cursor.execute("EXPLAIN (ANALYZE) " + sql, params)
            text = "\n".join(row[0] for row in cursor.fetchall())
            times.append(sum(float(t) for t in _TIMES.findall(text)))
    return statistics.median(times[1:])
