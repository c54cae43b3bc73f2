"""My work's actions (issue 15): open actions owned by the person or their agency, due within
a week or overdue, record actions and safety plan actions alike. Split from
:mod:`convene.allocation.work`, which lists the section with the others."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from convene.allocation.work_probe import may_have
from convene.allocation.work_rows import ROWS_PER_SECTION, ChildrenOf, WorkRow, link_to, row
from convene.discussions.models import Discussion
from convene.followup.actions.selectors import (
    actions_visible_to,
    hrpm_actions_visible_to,
    mine,
    my_owners,
)
from convene.followup.models import HrpmAction
from convene.people.models import Child, Professional
from convene.records.models import Action
from convene.workdays import LONDON, london_date

__all__ = ["ACTIONS_AHEAD", "actions_candidates", "actions_due", "due_soon"]

ACTIONS_AHEAD = timedelta(days=7)
M = TypeVar("M", Action, HrpmAction)


def due_soon(qs: QuerySet[M], user: Professional, now: datetime) -> QuerySet[M]:
    """Mine or my agency's (``mine``), open and due within a week or overdue."""
    return mine(qs, user=user).filter(_due_soon_q(now))


def _due_soon_q(now: datetime) -> Q:
    return Q(status="open", due_on__lte=london_date(now + ACTIONS_AHEAD))


def actions_candidates(user: Professional, _mine: object, now: datetime) -> list[QuerySet[Any]]:
    """One candidate per owner of "my actions" (``my_owners``) and kind, each found by that
    owner's index: under one ``OR`` PostgreSQL scanned every action for a manager who owns
    none (225 ms of bob's My work at a million discussions, issue 15)."""
    return [
        model.objects.filter(owner, _due_soon_q(now))
        for model in (Action, HrpmAction)
        for owner in my_owners(user=user)
    ]


# Any person: by the owners' indexes, cheap at any size (``followup.actions.selectors.mine``).
@may_have(actions_candidates, of_listed=False)
def actions_due(user: Professional, now: datetime) -> list[WorkRow]:
    """Actions owned by me or my agency, open and due within a week or overdue."""
    actions = (
        due_soon(actions_visible_to(user=user, listed=True), user, now)
        .select_related("record")
        .order_by("due_on", "pk")[:ROWS_PER_SECTION]
    )
    rows = _action_rows(
        actions,
        "followup:action",
        "Action",
        lambda a: ChildrenOf(Discussion, a.record.discussion_id),
        now,
    )
    hrpm_actions = (
        due_soon(hrpm_actions_visible_to(user=user), user, now)
        .select_related("meeting__hrpm__child")
        .order_by("due_on", "pk")[:ROWS_PER_SECTION]
    )
    rows += _action_rows(
        hrpm_actions,
        "followup:hrpm-action",
        "Safety plan action",
        lambda a: [a.meeting.hrpm.child],
        now,
    )
    return rows


def _action_rows(
    actions: Iterable[Any],
    url_name: str,
    label: str,
    children: Callable[[Any], ChildrenOf | list[Child]],
    now: datetime,
) -> list[WorkRow]:
    """Each open action as a row, due at the end of its day."""
    url = link_to(url_name)
    return [
        row(children(a), f"{label}: {a.what[:80]}", _end_of(a.due_on), url(a.pk), now)
        for a in actions
    ]


def _end_of(day: Any) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=LONDON)
