"""A paginator that never counts a whole caseload (issue 15, docs/performance.md).

Django's ``Paginator`` counts every matching row on every request to number the pages;
over 300,000 children that count is most of the page's time. ``CappedPaginator`` counts
at most ``cap + 1`` rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``): up to ``cap`` the
figures are exact; beyond it the page says "more than 1,000" and numbers pages as far as
the cap reaches.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

COUNT_CAP = 1000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        counted: int = self.object_list[: self.cap + 1].count()  # type: ignore[attr-defined]
        return min(counted, self.cap + 1)

    @property
    def capped(self) -> bool:
        """More rows match than were counted: say "more than ``cap``"."""
        return self.count > self.cap

    @property
    def cap_text(self) -> str:
        return f"{self.cap:,}"
