"""What a row of an actions list shows besides the action: read for the page, not per row.

The lists (My actions, the partnership's Actions, ``/api/followup/my-actions/``) walk the
actions the person may see by the index on ``(due_by, id)`` and stop after a page. Each
row then shows its due clock, its latest update and how many updates it has had, whether it
is overdue and, for a record's action, the children of its discussion. Those used to be
eight correlated subqueries annotated on the list's query: PostgreSQL planned every one of
them with the need-to-know ``EXISTS`` on each request, and ran them for every row walked
(carol at 50,000 discussions: 111 ms of SQL for My actions, issue 15). Here they are read
once for the page's rows, whatever their number: the clocks, the updates and, for the
record's actions, the children (three queries; two for an HRPM's).

The rows are the person's already (``actions_visible_to``, ``hrpm_actions_visible_to``):
what is read here hangs from them (their clocks, updates, their discussion's children), so
it shows nothing they may not see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Count, F, QuerySet, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import RowNumber

from convene.clocks.selectors import clocks_counting_among
from convene.discussions.models import Discussion
from convene.followup.models import ActionUpdate, HrpmAction
from convene.policy.vocab import ClockKind
from convene.records.due import action_overdue
from convene.records.models import Action

A = TypeVar("A", Action, HrpmAction)


def _firsts(rows: QuerySet[Any], group: str, order: OrderBy) -> QuerySet[Any]:
    """Of ``rows``, the first of each ``group`` by ``order``, with ``n``: how many the group
    has. One query (window functions, on SQLite as on PostgreSQL), one row a group."""
    partition = [F(group)]
    firsts: QuerySet[Any] = (
        rows.order_by()
        .annotate(
            rank=Window(RowNumber(), partition_by=partition, order_by=order),
            n=Window(Count("pk"), partition_by=partition),
        )
        .filter(rank=1)
    )
    return firsts


def _latest_updates(model: type[Action] | type[HrpmAction], ids: list[int]) -> dict[int, Any]:
    """The latest update of each action (by number) and their count: the count is the version
    a form sends back, the latest what the list shows."""
    field = "action_id" if model is Action else "hrpm_action_id"
    updates = ActionUpdate.objects.filter(**{f"{field}__in": ids})
    latest = _firsts(updates, field, F("number").desc())
    return {u[field]: u for u in latest.values(field, "progress", "note", "at", "n")}


def _children(discussion_ids: set[int]) -> dict[int, Any]:
    """Each discussion's first child (by id) and how many children it has."""
    through = Discussion.children.through.objects.filter(discussion_id__in=discussion_ids)
    firsts = _firsts(through, "discussion_id", F("child_id").asc()).values(
        "discussion_id", "child__first_name", "child__last_name", "n"
    )
    return {row["discussion_id"]: row for row in firsts}


def with_row_details(rows: Iterable[A], *, now: datetime) -> list[A]:
    """``rows`` (one kind: the record's actions or an HRPM's), each given what its list row
    shows: ``due_at``, ``clock_state``, ``clock_met_at`` (the newest due clock that counts),
    ``last_progress``, ``last_note``, ``last_at``, ``update_count``, ``overdue`` and, for a
    record's action, ``reference`` (its discussion's), ``child_first_name``,
    ``child_last_name``, ``child_count``. The same queries for one row as for five hundred;
    none for none."""
    page = list(rows)
    if page:
        _fill(page, now=now)
    return page


def _fill(page: Sequence[Action | HrpmAction], *, now: datetime) -> None:
    model = type(page[0])
    ids = [row.pk for row in page]
    clocks = clocks_counting_among(model, ids, [ClockKind.ACTION_DUE])
    updates = _latest_updates(model, ids)
    records = [row for row in page if isinstance(row, Action)]
    discussions = {row.discussion_id for row in records}
    children = _children(discussions) if discussions else {}
    for row in page:
        clock = clocks.get(row.pk)
        update = updates.get(row.pk)
        details: dict[str, Any] = {
            "due_at": clock["due_at"] if clock else None,
            "clock_state": clock["state"] if clock else None,
            "clock_met_at": clock["met_at"] if clock else None,
            "last_progress": update["progress"] if update else None,
            "last_note": update["note"] if update else None,
            "last_at": update["at"] if update else None,
            "update_count": update["n"] if update else 0,
            "overdue": action_overdue(status=row.status, due_by=row.due_by, now=now),
        }
        if isinstance(row, Action):
            child = children.get(row.discussion_id) or {}
            details.update(
                reference=Discussion.reference_of(row.discussion_id),
                child_first_name=child.get("child__first_name"),
                child_last_name=child.get("child__last_name"),
                child_count=child.get("n", 0),
            )
        for name, value in details.items():
            setattr(row, name, value)
