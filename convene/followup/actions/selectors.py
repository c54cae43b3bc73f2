"""Reads of agreed actions (a record's and an HRPM's), and who may see or update them.

Visibility is decided once, by the selectors the other apps own:
``convene.people.selectors.children_visible_to`` for children and
``convene.discussions.selectors.discussions_visible_to`` for discussions.
The follow-through adds one rule of its own, for actions: of the actions whose
discussion (or HRPM) a person may see, the caseload sees the partnership's and
everyone else their own and their agency's (the authorised record assigned it to
them). An action never shows more than the discussion it comes from.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any, TypeVar

from django.db.models import (
    Model,
    Q,
    QuerySet,
)

from convene.clocks.models import Clock
from convene.clocks.selectors import clocks_counting
from convene.core.access import among, child_grants_registered, is_read_only
from convene.core.pagination import KeysetPage, first_of_parts, keyset_newest, keyset_soonest
from convene.core.selector_memo import remembered_per_person
from convene.discussions.selectors import discussions_visible_to, own_discussion_keys
from convene.followup.actions.row_details import with_row_details
from convene.followup.hrpm.selectors import hrpms_visible_to
from convene.followup.models import (
    ActionUpdate,
    HrpmAction,
)
from convene.followup.roles import works_cases
from convene.people.models import Child, Professional
from convene.people.selectors import partnership_ids_of, sees_whole_caseload
from convene.policy.vocab import ClockKind
from convene.records.models import Action

M = TypeVar("M", bound=Model)
A = TypeVar("A", Action, HrpmAction)


def action_partnership_id(action: Action | HrpmAction) -> int:
    if isinstance(action, HrpmAction):
        return HrpmAction.objects.filter(pk=action.pk).values_list(
            "meeting__hrpm__partnership_id", flat=True
        )[0]
    return Action.objects.filter(pk=action.pk).values_list(
        "record__discussion__partnership_id", flat=True
    )[0]


def _owned_by(user: Professional) -> Q:
    """Actions for the user, for their agency, or for a colleague at it (the agency owns its
    work, decision 0013): the stored agency whose work each is (``records.owning``), one
    equality that the index of the open actions by ``(owning_agency, due_by, id)`` walks in
    the lists' order. Not the ``OR`` of the three owners it stands for, which no index
    served (issue 15). Only for a user with an agency: a null agency is no one's colleague."""
    return Q(owning_agency=user.agency_id)


def _whose(user: Professional) -> Q:
    """Of the actions someone may see the source of, which are theirs to see: every one of
    the partnership's for its caseload (social care, its admins and auditors), else only
    their own and their agency's. The partnership is the action's own (``partnership``,
    stored when it is made from its discussion's or HRPM's, which never change:
    ``records.owning``), so the same rows as the discussion's partnership through the join,
    and given as values (``partnership_ids_of``): an equality the ``(partnership, due_by,
    id)`` index of the open actions leads with (``list_parts``)."""
    if sees_whole_caseload(user=user):
        return Q(partnership__in=partnership_ids_of(user=user)) | _owned_by(user)
    return _owned_by(user)


def _seen_through(
    model: type[A], user: Professional, parents: Callable[..., QuerySet[Any]], via: str
) -> QuerySet[A]:
    """``model`` rows of a parent (``via``) that ``parents(user=...)`` shows, that are the
    caseload's or the person's own or their agency's; none for someone with no agency."""
    if not user.is_active or user.agency_id is None:
        return model.objects.none()
    seen = among(parents(user=user), via)
    return model.objects.filter(Q(seen) & _whose(user))


@remembered_per_person
def actions_visible_to(*, user: Professional, listed: bool = False) -> QuerySet[Action]:
    """The record's actions this person may see: those of a discussion they may see
    (``discussions_visible_to``: invited, or the caseload's, a restricted one only if named
    on it) that are the caseload's or their own agency's. An action never shows more than
    its discussion does: a colleague not invited does not see the agency's action.

    ``listed``: the same rows, for a list that reads every open action of a partner's
    agency to find theirs (My actions). A partner's discussions (invited, or chair) are
    gathered first as keys (``own_discussion_keys``, from the two person indexes) and
    each action's discussion is looked up among them: asked of each action instead, a
    police officer's 2,856 agency actions cost a probe of the discussion and of her
    invitations each (20-45 ms at a million discussions). Not for one action by id:
    gathering 5,023 invitations would cost more than the probe."""
    active_with_agency = user.is_active and user.agency_id is not None
    if listed and active_with_agency and not sees_whole_caseload(user=user):
        own = Q(discussion__in=own_discussion_keys(user=user))  # hashed once, not probed
        return Action.objects.filter(own & _whose(user))
    return _seen_through(Action, user, discussions_visible_to, "discussion")


@remembered_per_person(depends=child_grants_registered)
def hrpm_actions_visible_to(*, user: Professional) -> QuerySet[HrpmAction]:
    """HRPM safety-plan actions: as for the record's, through the HRPMs one may see
    (``hrpms_visible_to``: the caseload's, or one whose meeting a partner attended)."""
    return _seen_through(HrpmAction, user, hrpms_visible_to, "meeting__hrpm")


def may_view_action(*, user: Professional, action: Action | HrpmAction) -> bool:
    if isinstance(action, HrpmAction):
        return hrpm_actions_visible_to(user=user).filter(pk=action.pk).exists()
    return actions_visible_to(user=user).filter(pk=action.pk).exists()


def may_update_action(*, user: Professional, action: Action | HrpmAction) -> bool:
    """Someone who may see it: its owner or the owner's agency, or the partnership's social
    workers and managers (they carry the case); never an auditor. Caseload staff who do
    neither (triage, admins of another agency) read it only."""
    if (
        not user.is_active
        or is_read_only(user=user)
        or not may_view_action(user=user, action=action)
    ):
        return False
    if works_cases(user=user, partnership=action_partnership_id(action)):
        return True
    if action.owner_professional_id == user.pk:
        return True
    return action.owning_agency_id is not None and action.owning_agency_id == user.agency_id


def my_owners(*, user: Professional) -> tuple[Q, ...]:
    """The owners whose actions are the person's "My actions", each one equality that an
    index of the open actions leads with and walks in the lists' order (``records.owning``).
    A partner's: their agency's work (colleagues' too: one agency, one set of actions).
    Social care's: only its own and its agency's as owner, two owners (an action has one),
    each walked apart (``first_of_parts``): its colleagues' are the Actions list's, and its
    agency's work is most of the partnership's, so walking that would not find the few."""
    if sees_whole_caseload(user=user):
        return (Q(owner_professional=user.pk), Q(owner_agency=user.agency_id))
    return (_owned_by(user),)


def list_parts(*, user: Professional) -> tuple[Q, ...]:
    """The parts of social care's Actions list (``_whose`` for the caseload), each one
    equality an index of the open actions leads with, walked apart (``first_of_parts``):
    each of the person's partnerships, and their agency's work (which may be another
    partnership's, on a discussion they were invited to). Walked as one ``IN``/``OR``, the
    planner walked every open action by due time with the partnership as a filter: a small
    partnership's list read all of the large one's to find none (issue 15)."""
    partnerships = (Q(partnership=pk) for pk in partnership_ids_of(user=user))
    return (*partnerships, _owned_by(user))


def mine(qs: QuerySet[M], *, user: Professional) -> QuerySet[M]:
    """ "My actions": of ``qs``, those of ``my_owners``. A page of them is walked by owner
    instead (``actions_page(..., parts=my_owners(...))``): this ``OR`` is the same rows."""
    return qs.filter(reduce(operator.or_, my_owners(user=user)))


def actions_page(
    rows: QuerySet[M],
    *,
    show_all: bool,
    before: int | None,
    size: int,
    parts: tuple[Q, ...] = (),
) -> KeysetPage[M]:
    """A page of actions: the open ones most urgent first (``due_by`` then id, so the overdue
    come first, the longest overdue at the top), walked by the index on the open actions'
    ``(due_by, id)``; with the done ones too, the latest due first. ``before`` is the last id
    of the page before; one that is unknown or not the person's starts at the first page.
    ``parts``: of ``rows``, those that meet one of them (``my_owners``), each walked apart."""
    if show_all:
        return keyset_newest(rows, field="due_by", before=before, size=size, parts=parts)
    open_rows = rows.filter(status="open")
    return keyset_soonest(open_rows, field="due_by", before=before, size=size, parts=parts)


def action_rows(qs: QuerySet[Action]) -> QuerySet[Action]:
    """The record's actions as the API walks them: each with its record and discussion
    (joined). What else a row shows is read for the page's rows alone
    (``row_details.with_row_details``), never annotated here per row (issue 15). The pages
    read less (``listed_action_rows``)."""
    return qs.select_related("record__discussion")


def hrpm_action_rows(qs: QuerySet[HrpmAction]) -> QuerySet[HrpmAction]:
    """An HRPM's actions as the lists walk them: each with its HRPM and child (joined)."""
    return qs.select_related("meeting__hrpm__child")


# What a row of the Actions pages shows of an action (``followup/_action_table.html``, the
# due tag, ``row_details``): its link, what, owner, due date, status, due time and, for a
# record's action, its discussion's key (the reference and the children are the discussion's).
_SHOWN = ("pk", "what", "owner_name", "due_on", "due_by", "status")
_RECORD_SHOWN = (*_SHOWN, "discussion")
# For an HRPM's: its child's name (``Child.full_name``), through its meeting and HRPM.
_HRPM_SHOWN = (
    *_SHOWN,
    *(f"meeting__hrpm__child__{name}" for name in ("first_name", "last_name", "date_of_birth")),
)


def listed_action_rows(qs: QuerySet[Action]) -> QuerySet[Action]:
    """The record's actions as the pages list them, reading only the columns a row shows
    (``_RECORD_SHOWN``): no join at all, the discussion's reference is its key. Reading every
    column of the action, its record and its discussion made 362 model instances and parsed
    1,152 datetimes a request, most of the list's time at a million discussions (issue 15).
    Not for the API, whose rows are updated and audited whole (``action_rows``)."""
    return qs.only(*_RECORD_SHOWN)


def listed_hrpm_action_rows(qs: QuerySet[HrpmAction]) -> QuerySet[HrpmAction]:
    """An HRPM's actions as the pages list them: only the columns a row shows
    (``_HRPM_SHOWN``), with its child's name joined through its meeting and HRPM."""
    return hrpm_action_rows(qs).only(*_HRPM_SHOWN)


def action_updates(*, action: Action | HrpmAction) -> list[ActionUpdate]:
    field = "hrpm_action" if isinstance(action, HrpmAction) else "action"
    return list(
        ActionUpdate.objects.filter(**{field: action.pk}).select_related("by").order_by("number")
    )


def action_children(*, action: Action | HrpmAction) -> list[Child]:
    """The children an action is about: its discussion's, or its HRPM's child."""
    if isinstance(action, HrpmAction):
        return list(Child.objects.filter(hrpms__meetings__actions=action))
    return list(Child.objects.filter(discussions__record__actions=action).order_by("pk"))


def action_due_clock(*, action: Action | HrpmAction) -> Clock | None:
    return clocks_counting(type(action), action.pk, [ClockKind.ACTION_DUE]).first()


# The API lists both kinds in one list, merged on the key (due_by, kind, id): a record's
# action before an HRPM's due at the same moment. A cursor names the kind and the id of the
# last row of the page before ("record-12", "hrpm-3"): ids are the two tables' own.
ACTION_KINDS = ("record", "hrpm")
ACTION_CURSOR = r"^(record|hrpm)-[1-9][0-9]{0,17}$"


@dataclass(frozen=True)
class MergedPage:
    rows: list[tuple[str, Action | HrpmAction]]
    # The cursor of the next page ("record-12"); None on the last page.
    next: str | None


def _after(start: tuple[datetime, int, int], rank: int, *, latest_first: bool) -> Q:
    """The rows of the kind ranked ``rank`` that come after ``start`` (due_by, rank, id)."""
    due, start_rank, pk = start
    later, tie = ("lt", "lte") if latest_first else ("gt", "gte")
    if rank == start_rank:
        return Q(**{f"due_by__{later}": due}) | Q(due_by=due, **{f"pk__{later}": pk})
    ties_follow = rank < start_rank if latest_first else rank > start_rank
    return Q(**{f"due_by__{tie if ties_follow else later}": due})


def my_actions_merged(
    *,
    user: Professional,
    now: datetime,
    include_done: bool,
    before: tuple[str, int] | None,
    limit: int,
) -> MergedPage:
    """A page of "my actions" of both kinds merged: the open ones most urgent first (as the
    page), with the done ones the latest due first. Each kind is walked by its index on
    ``(due_by, id)`` (each owner apart, ``my_owners``) for at most ``limit + 1`` rows after
    the cursor, and the two merged:
    three queries (the cursor's row, one per kind), then what the page's rows show
    (``with_row_details``: five more at most) whatever the page holds. A cursor that
    is unknown or names an action not the person's starts at the first page."""
    owners = my_owners(user=user)
    sources: dict[str, QuerySet[Any]] = {
        "record": action_rows(actions_visible_to(user=user, listed=True)),
        "hrpm": hrpm_action_rows(hrpm_actions_visible_to(user=user)),
    }
    if not include_done:
        sources = {kind: rows.filter(status="open") for kind, rows in sources.items()}
    start = None
    if before is not None:
        kind, pk = before
        due = mine(sources[kind], user=user).filter(pk=pk).values_list("due_by", flat=True).first()
        start = None if due is None else (due, ACTION_KINDS.index(kind), pk)
    order = ("-due_by", "-pk") if include_done else ("due_by", "pk")
    fetched: list[tuple[datetime, int, int, str, Any]] = []
    for rank, kind in enumerate(ACTION_KINDS):
        rows = sources[kind].order_by(*order)
        if start is not None:
            rows = rows.filter(_after(start, rank, latest_first=include_done))
        walked = first_of_parts(rows, parts=owners, size=limit + 1)
        fetched += [(row.due_by, rank, row.pk, kind, row) for row in walked]
    fetched.sort(key=lambda found: found[:3], reverse=include_done)
    page = fetched[:limit]
    for kind in ACTION_KINDS:  # what the rows show, read for the page's rows of each kind
        with_row_details([found[4] for found in page if found[3] == kind], now=now)
    last = page[-1] if page and len(fetched) > limit else None
    return MergedPage(
        rows=[(kind, row) for _, _, _, kind, row in page],
        next=None if last is None else f"{last[3]}-{last[2]}",
    )


def action_cursor(value: str | None) -> tuple[str, int] | None:
    """A checked ``ACTION_CURSOR`` as (kind, id); None (the first page) for anything else."""
    if value is None or not re.fullmatch(ACTION_CURSOR, value):
        return None
    kind, _, pk = value.partition("-")
    return kind, int(pk)
