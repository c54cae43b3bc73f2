"""PostgreSQL planner settings for one transaction (``SET LOCAL``), where a whole kind of
read is known to be planned badly by the defaults. Elsewhere than PostgreSQL: a plain
transaction, nothing set."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from django.db import connection, transaction

__all__ = ["local_plan", "walks_in_one_process"]

# The settings a read may change, and only these.
_SETTINGS = frozenset({"cursor_tuple_fraction", "max_parallel_workers_per_gather"})


@contextmanager
def local_plan(**settings: int | float) -> Iterator[None]:
    """``settings`` for the queries run inside, in a transaction of their own (or a
    savepoint of the caller's), and as they were again after: ``SET LOCAL`` alone would
    last to the end of a caller's transaction."""
    unknown = settings.keys() - _SETTINGS
    if unknown or not all(type(v) in (int, float) for v in settings.values()):
        raise ValueError(f"Not planner settings a read may change: {settings!r}")
    with transaction.atomic():
        if connection.vendor != "postgresql":
            yield
            return
        before: dict[str, str] = {}
        with connection.cursor() as cursor:
            for name, value in settings.items():
                # Read, then set for this transaction; ``OFFSET 0`` keeps the read first.
                cursor.execute(
                    "SELECT was.setting, set_config(%s, %s, true)"
                    " FROM (SELECT current_setting(%s) AS setting OFFSET 0) AS was",
                    [name, str(value), name],
                )
                before[name] = cursor.fetchone()[0]
        yield
        with connection.cursor() as cursor:
            for name, setting in before.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, setting])


def walks_in_one_process() -> AbstractContextManager[None]:
    """For a page of short index walks cut at a page (My work's sections): no parallel
    workers. PostgreSQL chose a parallel walk for a manager's drifting S47 enquiries at a
    million discussions (its estimate of the whole walk passed the threshold): starting the
    two workers took 60 ms of a 90 ms query, and between them they walked 11,070 records
    where one process walks 1,032 for the same 50 rows (issue 15)."""
    return local_plan(max_parallel_workers_per_gather=0)
