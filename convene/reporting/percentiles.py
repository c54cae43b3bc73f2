"""Median and 90th percentile of a time taken, computed in the database (issue 13).

PostgreSQL: ``PERCENTILE_CONT`` over the elapsed seconds, one query for every group.
SQLite has no ordered-set aggregates, so the fallback numbers the rows in each group with a
window function and returns only the (at most four) rows either side of each percentile,
which are interpolated here exactly as ``PERCENTILE_CONT`` does: the work in Python is
bounded by the number of groups, never by the number of rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.db import connection

PERCENTILES = (0.5, 0.9)


def elapsed_percentiles(
    *, table: str, group: str, start: str, end: str, where: str, params: Sequence[Any]
) -> dict[str, tuple[float, float]]:
    """``{group value: (median seconds, 90th percentile seconds)}`` of ``end - start``.

    ``table``, ``group``, ``start``, ``end`` and ``where`` are trusted SQL written by this
    app (column names from the models' meta); every value goes in ``params``.
    """
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT {group}, "  # noqa: S608 - table, columns and filter are ours
            f"PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM {end} - {start})), "
            f"PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM {end} - {start})) "
            f"FROM {table} WHERE {where} GROUP BY {group}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            return {key: (float(p50), float(p90)) for key, p50, p90 in cursor.fetchall()}
    return _window_fallback(
        table=table, group=group, start=start, end=end, where=where, params=params
    )


def _window_fallback(
    *, table: str, group: str, start: str, end: str, where: str, params: Sequence[Any]
) -> dict[str, tuple[float, float]]:
    seconds = f"(julianday({end}) - julianday({start})) * 86400.0"
    wanted = " OR ".join(
        f"rn IN (CAST({p} * (n - 1) AS INTEGER), CAST({p} * (n - 1) AS INTEGER) + 1)"
        for p in PERCENTILES
    )
    sql = (
        f"SELECT g, rn, n, s FROM ("  # noqa: S608 - table, columns and filter are ours
        f"SELECT {group} AS g, {seconds} AS s, "
        f"ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY {seconds}) - 1 AS rn, "
        f"COUNT(*) OVER (PARTITION BY {group}) AS n "
        f"FROM {table} WHERE {where}) WHERE {wanted}"
    )
    rows: dict[str, dict[int, float]] = {}
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        for key, rn, n, value in cursor.fetchall():
            rows.setdefault(key, {})[int(rn)] = float(value)
            counts[key] = int(n)
    return {
        key: (
            _interpolate(values, counts[key], 0.5),
            _interpolate(values, counts[key], 0.9),
        )
        for key, values in rows.items()
    }


def _interpolate(values: dict[int, float], n: int, p: float) -> float:
    position = p * (n - 1)
    low = math.floor(position)
    below = values[low]
    above = values.get(low + 1, below)
    return below + (above - below) * (position - low)


def weighted_percentile_cont(counts: dict[float, int], p: float) -> float:
    """``PERCENTILE_CONT(p)`` of a multiset given as ``{value: how many times}``: the work
    follows the number of distinct values, not the number of rows."""
    ordered = sorted(counts.items())
    total = sum(n for _, n in ordered)
    position = p * (total - 1)
    low = math.floor(position)

    def at(index: int) -> float:
        seen = 0
        for value, n in ordered:
            seen += n
            if index < seen:
                return value
        return ordered[-1][0]

    below = at(low)
    return below + (at(low + 1) - below) * (position - low) if low + 1 < total else below
