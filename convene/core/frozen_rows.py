"""A person's remembered selector, compiled to SQL once per request where it is nested (issue 15).

Need-to-know nests selectors several levels deep: an escalation's case is probed in the
referrals a person may see (``among(referrals_visible_to(user=...), "case_referral")``), an
action's in the discussions, whose own condition probes the referrals again. Django builds
each level afresh whenever it is nested: it clones the inner query, relabels every alias under
it and compiles it again, and again for each level above. On the demo that building was about
half of bob's escalations list (94 ms of CPU), though the SQL it made was the same each time.

A selector remembered per person (:func:`convene.core.selector_memo.remembered_per_person`)
hands out its query with a :class:`FrozenRows` attached. :func:`convene.core.access.among`
then probes it as a :class:`FrozenExists`: the very ``EXISTS (SELECT 1 FROM ... WHERE
<the selector's conditions> AND id = <outer key> LIMIT 1)`` Django wrote before, compiled
once per person, request and database connection, with the outer row's key written in
where a marker stands. Only that key is Django's to resolve (a column, joined as any
lookup is), so building and compiling a query that nests it costs a string substitution.

What keeps it safe:

* It is SQL text, not rows: run afresh with each query, so never stale as records change.
* It lives with the remembered query, on the person object (one request), under the same
  identity (active, agency, roles): never used for another person or another request.
* The inner query's own tables are renamed to aliases no other query uses (``NK<n>_<i>``,
  one ``n`` per frozen query in the process), so the outer key, the only name it takes from
  outside, cannot be shadowed, however it is nested.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import BooleanField, F, Model, QuerySet, Value
from django.db.models.expressions import Expression

__all__ = ["FrozenExists", "FrozenRows", "frozen_rows_of", "with_frozen_rows"]

# Stands for the outer row's key in compiled SQL until a query that nests it puts the key in.
_MARKER = "__convene_outer_key__"
_ATTRIBUTE = "_convene_frozen_rows"
_numbers = itertools.count(1)


class _OuterKey(Expression):
    """The marker, compiled in place of the outer key (``pk = (marker)``)."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return _MARKER, []


class FrozenRows:
    """One person's remembered selector query, and its ``EXISTS`` probe compiled per
    ``per_row`` and database connection, on first use."""

    def __init__(self, queryset: QuerySet[Any]) -> None:
        self.model: type[Model] = queryset.model
        self.queryset = queryset
        self.compiled: dict[tuple[bool, str], tuple[str, tuple[Any, ...]] | None] = {}

    def exists_sql(self, *, per_row: bool, connection: Any) -> tuple[str, tuple[Any, ...]] | None:
        """``EXISTS(...)`` of the selector's rows whose key is the marker (``per_row``: also
        ``pk >= marker``, see ``among``), with its own aliases renamed apart; None when the
        selector can match nothing (``none()``: an inactive person, a partner's caseload)."""
        key = (per_row, connection.alias)
        if key not in self.compiled:
            pk_field = self.model._meta.pk
            rows = self.queryset.filter(pk=_OuterKey(output_field=pk_field))
            if per_row:
                rows = rows.filter(pk__gte=_OuterKey(output_field=pk_field))
            query = rows.order_by().query.exists()
            number = next(_numbers)
            query.change_aliases(
                {alias: f"NK{number}_{i}" for i, alias in enumerate(query.alias_map)}
            )
            query.__dict__.pop("base_table", None)  # cached under the old name
            try:
                sql, params = query.get_compiler(connection=connection).as_sql()
            except EmptyResultSet:
                self.compiled[key] = None
            else:
                self.compiled[key] = (f"EXISTS({sql})", tuple(params))
        return self.compiled[key]


def with_frozen_rows(queryset: QuerySet[Any], frozen: FrozenRows) -> QuerySet[Any]:
    """``queryset`` (a fresh clone of the remembered query) marked as ``frozen``'s. Any
    narrowing (``filter``, ``order_by``...) makes a new queryset without the mark."""
    setattr(queryset, _ATTRIBUTE, frozen)
    return queryset


def frozen_rows_of(queryset: QuerySet[Any]) -> FrozenRows | None:
    """The frozen rows ``queryset`` is exactly, or None (not remembered, or narrowed since)."""
    frozen: FrozenRows | None = getattr(queryset, _ATTRIBUTE, None)
    return frozen


class FrozenExists(Expression):
    """``EXISTS`` of a person's frozen rows whose primary key is the outer row's ``key``.
    The same SQL as ``Exists(rows.filter(pk=OuterRef(key)))``; only ``key`` is resolved."""

    conditional = True

    def __init__(self, frozen: FrozenRows, key: Any, *, per_row: bool = False) -> None:
        super().__init__(output_field=BooleanField())
        self.frozen = frozen
        self.key = F(key) if isinstance(key, str) else key
        self.per_row = per_row

    def __repr__(self) -> str:
        return f"<FrozenExists {self.frozen.model.__name__} on {self.key!r}>"

    @property
    def identity(self) -> tuple[Any, ...]:
        return (type(self), id(self.frozen), self.key, self.per_row)

    def get_source_expressions(self) -> list[Any]:
        return [self.key]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.key,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        key_sql, key_params = compiler.compile(self.key)
        if key_params:
            raise ValueError("a frozen probe takes a column as its key, not a value")
        compiled = self.frozen.exists_sql(per_row=self.per_row, connection=connection)
        if compiled is None:  # matches nothing: false, written as Django's ``Exists`` writes it
            if not connection.features.supports_boolean_expr_in_select_clause:
                return "1=0", ()
            sql, params = compiler.compile(Value(False))
            return sql, tuple(params)
        sql, params = compiled
        return sql.replace(_MARKER, key_sql), params
