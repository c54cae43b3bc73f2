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

from functools import cached_property
from typing import Any, TypeVar

from django.core.paginator import Paginator
from django.db.models import Model, QuerySet

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
    def cap_text(self) -> str:
        return f"{self.cap:,}"


M = TypeVar("M", bound=Model)


def keyset_page(rows: QuerySet[M], *, before: int | None, limit: int) -> list[M]:
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
