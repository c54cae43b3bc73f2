"""Reading a return's rows as a stream without PostgreSQL planning for the first rows only.

``QuerySet.iterator()`` reads through a server-side cursor, and PostgreSQL plans a cursor
for its first tenth (``cursor_tuple_fraction`` 0.1): at 1,000,000 discussions it chose
index walks in child order that took 31 s to the first chunk of Annex A, where the plan for
the whole result (hash joins, one sort) takes 3 s. A return reads every row, so inside
:func:`whole_result` the cursor is planned for all of them (``SET LOCAL``: this
transaction only). Elsewhere than PostgreSQL it does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from convene.core.plans import local_plan

__all__ = ["whole_result"]


@contextmanager
def whole_result() -> Iterator[None]:
    with local_plan(cursor_tuple_fraction=1.0):
        yield
