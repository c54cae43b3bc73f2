"""``field__any_of=ids``: the row's key is one of a set of ids already read, sent as one
value, not one placeholder per id.

Why not ``__in=ids``: Django binds and prepares every id of an ``IN`` list on its own, and
SQLite refuses more than 32,766 placeholders. Here PostgreSQL gets ``key = ANY('{...}')``:
a constant array, which it hashes (one probe a row, PostgreSQL 14 and later) or walks by
index, as it does an ``IN`` list; SQLite reads the ids from one JSON text (``json_each``).

Pass an :class:`Ids` for a set used by more than one query: its text is made once, and Django
neither walks nor checks it id by id, as it does a list (a team's 2,550 ids in eight queries
cost 0.3 s of Python that way: issue 13). For sets a request has read and bounded (a team's
cases on a report, ``reporting.scoping``), never for a set that grows with the data.

``field__gathered=queryset``: the row's key is one of the keys a subquery gathers, read once
before any row (PostgreSQL: ``key = ANY(ARRAY(subquery))``, an InitPlan; elsewhere ``IN``).
For a person's few keys (a partner's invitations): as an array PostgreSQL probes the
field's index with them, or, ORed with an indexable condition, combines both indexes; as
``IN`` it hashes them and walks the whole table, or under ``OR`` its ordering index (the
S47 list: 153,074 enquiries walked for a partner who has none, issue 15).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, IntegerField, Lookup

__all__ = ["AnyOf", "Gathered", "Ids", "install"]


class Ids:
    """Distinct ids in order, with their text for the database made once. Deliberately not
    iterable: Django iterates what a lookup is given when it can."""

    __slots__ = ("_text", "values")

    def __init__(self, values: Iterable[Any]) -> None:
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise TypeError("Ids takes ids, not text")
        self.values: tuple[int, ...] = tuple(sorted({int(value) for value in values}))
        self._text: str | None = None

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return f"Ids({len(self.values)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ids) and other.values == self.values

    def __hash__(self) -> int:
        return hash(self.values)

    def __add__(self, other: Ids) -> Ids:
        return Ids(self.values + other.values)

    def text(self) -> str:
        """``1,2,3``: the ids as PostgreSQL's array and JSON's list both write them."""
        if self._text is None:
            self._text = ",".join(map(str, self.values))
        return self._text


class AnyOf(Lookup[Any]):
    lookup_name = "any_of"
    prepare_rhs = False

    def _ids(self) -> Ids:
        ids = self.rhs if isinstance(self.rhs, Ids) else Ids(self.rhs)
        if not ids:
            raise EmptyResultSet  # as ``__in=[]``: no row, and no SQL sent for it
        return ids

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        ids = self._ids()
        # lhs: a column Django compiled, never input; the ids are bound as one parameter.
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return sql, [*params, f"[{ids.text()}]"]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        # A text cast to an array: folded into a constant when planned, as a literal list is.
        return f"{lhs} = ANY(%s::bigint[])", [*params, "{" + self._ids().text() + "}"]


class Gathered(Lookup[Any]):
    lookup_name = "gathered"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)  # "(SELECT ...)"
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


def install() -> None:
    """Register the lookups on the key fields (``CoreConfig.ready``)."""
    for field in (ForeignKey, IntegerField):  # IntegerField: the id fields too
        field.register_lookup(AnyOf)
        field.register_lookup(Gathered)
