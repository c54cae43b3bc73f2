"""The shape of a "My work" row and the pieces every section builds it from.

Shared by :mod:`convene.allocation.work` and :mod:`convene.allocation.work_follow_through`
so neither section module copies the other's helpers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Subquery
from django.urls import reverse

from convene.allocation.selectors import discussions_allocated, discussions_allocated_q
from convene.clocks.due_columns import soonest_open_due
from convene.discussions.models import Discussion
from convene.people.models import Child
from convene.workdays import london_date

ROWS_PER_SECTION = 50


@dataclass(frozen=True)
class WorkRow:
    child: str
    what: str
    due_at: datetime | None
    status: str  # "overdue", "due today", "on track" or "" (no deadline)
    url: str


def status_of(due_at: datetime | None, now: datetime) -> str:
    """Time left in three words: a pure function of the deadline and ``now``."""
    if due_at is None:
        return ""
    if due_at < now:
        return "overdue"
    if london_date(due_at) == london_date(now):
        return "due today"
    return "on track"


def names(children: Iterable[Child]) -> str:
    return ", ".join(f"{c.first_name} {c.last_name}" for c in children)


def kids(path: str) -> Prefetch:  # type: ignore[type-arg]
    return Prefetch(path, queryset=Child.objects.only("pk", "first_name", "last_name"))


def open_clock_due(model: type[Any], kinds: tuple[str, ...], subject: str = "pk") -> Subquery:
    """The soonest open clock of these kinds on the row's subject."""
    return soonest_open_due(model, kinds, subject)


def row(
    children: Iterable[Child], what: str, due_at: datetime | None, url: str, now: datetime
) -> WorkRow:
    return WorkRow(names(children), what, due_at, status_of(due_at, now), url)


def linked_row(
    subject: Any, what: str, due_at: datetime | None, url_name: str, now: datetime
) -> WorkRow:
    """The row of a referral or discussion: its children, linked to its page ``url_name``."""
    return row(subject.children.all(), what, due_at, reverse(url_name, args=[subject.pk]), now)


def mine_or_chaired(
    qs: QuerySet[Discussion], who: Any, *, per_row: bool = False
) -> QuerySet[Discussion]:
    """Discussions held by ``who`` (or inherited from their referral) or chaired by them.
    ``per_row``: asked of each discussion walked, by index, for a queue walked in a stored
    order and cut at a page; otherwise as a set of ids, for a filter through another table."""
    chair = Q(chair__in=who.values("pk")) if isinstance(who, QuerySet) else Q(chair=who.pk)
    if per_row:
        return qs.filter(discussions_allocated_q(to=who, per_row=True) | chair)
    return qs.filter(
        Q(pk__in=discussions_allocated(Discussion.objects.all(), to=who).values("pk")) | chair
    )
