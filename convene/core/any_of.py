"""``field__any_of=ids``: the row's key is one of a list of ids already read, sent as one
value, not one placeholder per id.

Why not ``__in=ids``: Django binds and prepares every id of an ``IN`` list on its own, which
for a few thousand ids costs milliseconds of Python per query, and SQLite refuses more than
32,766 placeholders. Here PostgreSQL gets ``key = ANY(array)``: a constant array, which it
hashes (one probe a row, PostgreSQL 14 and later) or walks by index, as it does an ``IN``
list; SQLite reads the ids from one JSON text (``json_each``).

For sets a request has already read and bounded (a team's cases on a report,
``reporting.scoping``), never for a set that grows with the data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, IntegerField, Lookup

__all__ = ["AnyOf", "install"]


class AnyOf(Lookup[Any]):
    lookup_name = "any_of"
    prepare_rhs = False

    def _ids(self) -> list[int]:
        ids = self.rhs
        if not isinstance(ids, Iterable) or isinstance(ids, (str, bytes)):
            raise TypeError("any_of takes a list of ids")
        values = [int(value) for value in ids]
        if not values:
            raise EmptyResultSet  # as ``__in=[]``: no row, and no SQL sent for it
        return values

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        ids = self._ids()
        # lhs: a column Django compiled, never input; the ids are bound as one parameter.
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return sql, [*params, json.dumps(ids)]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, self._ids()]


def install() -> None:
    """Register the lookup on the key fields (``CoreConfig.ready``)."""
    for field in (ForeignKey, IntegerField):  # IntegerField: the id fields too
        field.register_lookup(AnyOf)
