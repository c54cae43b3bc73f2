"""A keyset page of a partnership's rows with need-to-know decided for the page alone.

The exception reasons and the overrides lists page the partnership's rows as they stand, so
a reader sees that a row exists (counts may include it), and show only the rows they may
open in full; the others keep their date and lose their details (R004.2: a restricted
record's reference and reason are never shown to someone not named on it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet

from convene.core.pagination import KeysetPage

T = TypeVar("T", bound=Model)


@dataclass(frozen=True)
class WithheldPage(Generic[T]):
    page: KeysetPage[T]
    may_open: frozenset[int]  # of the page's subjects, the ones the reader may open


def withheld_page(
    page: KeysetPage[T], *, visible: QuerySet[Any], subjects: Iterable[int]
) -> WithheldPage[T]:
    """``page`` with the ``subjects`` (ids of its rows' records or referrals) that are in
    ``visible``: one set-based query for the page, none when it is empty."""
    ids = set(subjects)
    may_open = visible.filter(pk__in=ids).values_list("pk", flat=True) if ids else []
    return WithheldPage(page=page, may_open=frozenset(may_open))
