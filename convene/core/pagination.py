"""A paginator that never counts a whole caseload (issue 15, docs/performance.md).

Django's ``Paginator`` counts every matching row on every request to number the pages;
over 300,000 children that count is most of the page's time. ``CappedPaginator`` counts
at most ``cap + 1`` rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``): up to ``cap`` the
figures are exact; beyond it the page says "more than 1,000" and numbers pages as far as
the cap reaches.

The count drops the list's ORDER BY: ``LIMIT`` over an ordered query would sort every
matching row first (the whole caseload) only to count the first ``cap + 1``; unordered,
the database stops at the ``cap + 1``th row it finds.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, reduce
from typing import Any, Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Model, Q, QuerySet

COUNT_CAP = 1000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            counted = rows.order_by()[: self.cap + 1].count()
        else:
            counted = len(rows[: self.cap + 1])
        return min(counted, self.cap + 1)

    @property
    def capped(self) -> bool:
        """More rows match than were counted: say "more than ``cap``"."""
        return self.count > self.cap

    @property
    def found(self) -> str:
        """The count as an audit summary says it: "more than 1000" beyond the cap."""
        return f"more than {self.cap}" if self.capped else str(self.count)

    @property
    def cap_text(self) -> str:
        return f"{self.cap:,}"


M = TypeVar("M", bound=Model)
R = TypeVar("R")  # a row: the model, or a ``values()`` dict


def keyset_page(rows: QuerySet[M, R], *, before: int | None, limit: int) -> list[R]:
    """One page of an API list, newest first: the ``limit`` rows created before the row
    ``before`` (a cursor, the last id of the page before; None for the first page).

    Ids only grow, so "newest first" is ``ORDER BY id DESC`` and the next page is
    ``WHERE id < before``: the primary-key index answers both, with no OFFSET and no
    count, so the hundredth page costs what the first does. The caller passes the
    rows the person may see, with what the page shows already joined or prefetched
    (a constant number of queries); ``convene.core.api.link_next`` then gives the
    ``Link: …; rel="next"`` header.
    """
    ordered = rows.order_by("-pk")
    if before is not None:
        ordered = ordered.filter(pk__lt=before)
    return list(ordered[:limit])


def older_than(rows: QuerySet[M], *, field: str, value: Any, pk: int) -> QuerySet[M]:
    """The rows after ``(value, pk)`` in ``-field, -pk`` order: the keyset condition an index
    on ``(field DESC, id DESC)`` answers by walking on from that row. The plain
    ``field <= value`` bound says the same again, but as a range the planner can start the
    index scan at; the OR alone is a filter it applies row by row from the newest, so a
    deep page read (and threw away) every row before it."""
    return rows.filter(
        Q(**{f"{field}__lt": value}) | Q(**{field: value, "pk__lt": pk}),
        **{f"{field}__lte": value},
    )


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    rows: list[M]
    # Pass as ``before`` for the next (older) page; None on the last page.
    older: int | None
    first: bool


def later_than(rows: QuerySet[M], *, field: str, value: Any, pk: int) -> QuerySet[M]:
    """The rows after ``(value, pk)`` in ``field, pk`` order (soonest first): the mirror of
    ``older_than``, answered by an index on ``(field, id)`` walked forwards (from
    ``field >= value``, the range bound, for the reason ``older_than`` gives)."""
    return rows.filter(
        Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk}),
        **{f"{field}__gte": value},
    )


def meeting(rows: QuerySet[M], parts: Sequence[Q]) -> QuerySet[M]:
    """The rows that meet one of ``parts`` at least (none: all of them), as one ``OR``."""
    return rows.filter(reduce(operator.or_, parts)) if parts else rows


def first_of_parts(ordered: QuerySet[M], *, parts: Sequence[Q], size: int) -> QuerySet[M]:
    """The first ``size`` rows of ``ordered`` (ordered, cursor applied) that meet one of
    ``parts`` at least (none: all of them). Each part is walked apart (its own index), for
    its first ``size``, and of those together the first ``size`` taken (a row among the
    first ``size`` of the whole is among the first ``size`` of a part it meets). One query.

    For an ``OR`` of owners, which no index walks in order: the planner walks the list's
    order with the ``OR`` as a filter, and reads every row when the owners have few (a
    manager's "My actions", issue 15); each part alone is one equality an index leads with.
    PostgreSQL only: SQLite takes no ``LIMIT`` inside a ``UNION``, and its plain ``OR`` is
    the same rows."""
    compound = connections[ordered.db].features.supports_slicing_ordering_in_compound
    if len(parts) < 2 or not compound:
        return meeting(ordered, parts)[:size]
    firsts = [ordered.filter(part).values("pk")[:size] for part in parts]
    together = firsts[0].union(*firsts[1:], all=True)
    chosen = ordered.model._default_manager.using(ordered.db).filter(pk__in=together)
    chosen.query.select_related = ordered.query.select_related
    chosen.query.deferred_loading = ordered.query.deferred_loading  # ``only``: the same columns
    return chosen.order_by(*ordered.query.order_by)[:size]


def keyset_newest(
    rows: QuerySet[M],
    *,
    field: str,
    before: int | None,
    size: int,
    parts: Sequence[Q] = (),
) -> KeysetPage[M]:
    """A page of ``rows`` newest first by ``field`` (then id), after the row ``before`` (the
    last id of the page before): no OFFSET and no count, so a later page costs what the
    first does. A ``before`` that is not among ``rows`` (unknown, or not the person's to
    see) starts at the newest."""
    return _keyset(rows, field=field, before=before, size=size, soonest=False, parts=parts)


def keyset_soonest(
    rows: QuerySet[M],
    *,
    field: str,
    before: int | None,
    size: int,
    parts: Sequence[Q] = (),
) -> KeysetPage[M]:
    """As ``keyset_newest``, soonest first: ``field`` (then id) ascending, for lists whose most
    urgent row is the one due first (the Actions lists, by ``due_by``)."""
    return _keyset(rows, field=field, before=before, size=size, soonest=True, parts=parts)


def _keyset(
    rows: QuerySet[M],
    *,
    field: str,
    before: int | None,
    size: int,
    soonest: bool,
    parts: Sequence[Q],
) -> KeysetPage[M]:
    ordered = rows.order_by(field, "pk") if soonest else rows.order_by(f"-{field}", "-pk")
    start = None
    if before is not None:
        start = meeting(ordered, parts).filter(pk=before).values_list(field, flat=True).first()
    if start is not None and before is not None:
        after = later_than if soonest else older_than
        ordered = after(ordered, field=field, value=start, pk=before)
    fetched = list(first_of_parts(ordered, parts=parts, size=size + 1))
    page = fetched[:size]
    return KeysetPage(
        rows=page, older=page[-1].pk if len(fetched) > size else None, first=start is None
    )


# Ids are 64-bit: a longer "before" is nobody's cursor (and would overflow the database's).
_CURSOR_DIGITS = 18


def cursor_of(value: str | None) -> int | None:
    """A ``?before=`` cursor as an id, or None (the first page) for anything that is not one."""
    if value and value.isascii() and value.isdigit() and len(value) <= _CURSOR_DIGITS:
        return int(value)
    return None


def keyset_by(
    rows: QuerySet[M], *, fields: tuple[str, ...], before: int | None, size: int
) -> KeysetPage[M]:
    """A page of ``rows`` in ascending ``fields`` order, then id (an alphabetical list: a
    child's last name, first name), after the row ``before`` (the last id of the page
    before). As ``keyset_soonest`` for several columns: the row's values are read by its id
    (one query) and the page is the rows after that tuple, which an index on ``fields`` +
    id answers by walking on from it; a ``before`` not among ``rows`` starts at the top."""
    ordered = rows.order_by(*fields, "pk")
    start = None
    if before is not None:
        start = ordered.filter(pk=before).values_list(*fields).first()
    if start is not None and before is not None:
        ordered = ordered.filter(_after(dict(zip(fields, start, strict=True)), pk=before))
    fetched = list(ordered[: size + 1])
    page = fetched[:size]
    return KeysetPage(
        rows=page, older=page[-1].pk if len(fetched) > size else None, first=start is None
    )


def _after(values: dict[str, Any], *, pk: int) -> Q:
    """``(f1, f2, …, id) > (v1, v2, …, pk)`` written out: f1 > v1, or f1 = v1 and f2 > v2, …,
    or all equal and id > pk. A NULL value never compares, so ``fields`` must be NOT NULL."""
    condition = Q(pk__gt=pk)
    for field, value in reversed(values.items()):
        condition = Q(**{f"{field}__gt": value}) | (Q(**{field: value}) & condition)
    return condition


@dataclass(frozen=True)
class QueuePage:
    """A page of one queue of several on a page (``queue_page``) and how many it holds, as
    a heading says it ("9", "more than 1,000")."""

    rows: list[Any]
    page: Any  # django.core.paginator.Page, for includes/pagination.html
    count: str


def queue_page(rows: QuerySet[Any], *, number: str | None, size: int, cap: int) -> QueuePage:
    """The page ``number`` of ``rows`` (ordered), ``size`` rows, numbered as far as ``cap``
    rows reach (``CappedPaginator``). Counted in the database only when the first page is
    full or another page is asked for, and then no further than ``cap + 1`` rows: a queue
    of a few rows costs one query, one of thousands two. An unknown or too-large page
    number shows the first or the last page, never an error."""
    # Counted by key alone: the rows' annotations and joins are for showing them.
    paginator = CappedPaginator(rows.values("pk"), size, cap=cap)
    asked = max(1, int(number)) if number and number.isdigit() else 1
    found = list(rows[:size]) if asked <= 1 else None
    if found is not None and len(found) < size:
        vars(paginator)["count"] = len(found)  # known without counting (a cached_property)
    shown = paginator.get_page(asked).number  # the first or last for a number out of range
    if found is None or shown != 1:
        start = (shown - 1) * size
        found = list(rows[start : start + size])
    count = f"more than {cap:,}" if paginator.capped else str(paginator.count)
    return QueuePage(found, Page(found, shown, paginator), count)
