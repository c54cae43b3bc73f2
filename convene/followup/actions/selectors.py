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

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from convene.clocks.models import Clock
from convene.clocks.selectors import clocks_counting
from convene.core.access import among, is_read_only
from convene.discussions.models import Discussion
from convene.discussions.selectors import discussions_visible_to
from convene.followup.hrpm.selectors import hrpms_visible_to
from convene.followup.models import (
    ActionUpdate,
    HrpmAction,
)
from convene.followup.roles import works_cases
from convene.people.models import Child, Professional
from convene.people.selectors import partnerships_of, sees_whole_caseload
from convene.policy.vocab import ClockKind
from convene.records.models import Action
from convene.workdays import london_date

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
    work). Only for a user with an agency: ``owner_agency=None`` would match every action
    owned by a person."""
    return (
        Q(owner_professional=user.pk)
        | Q(owner_agency=user.agency_id)
        | Q(owner_professional__agency=user.agency_id)
    )


def _whose(user: Professional, partnership: str) -> Q:
    """Of the actions someone may see the source of, which are theirs to see: every one of
    the partnership's for its caseload (social care, its admins and auditors), else only
    their own and their agency's."""
    if sees_whole_caseload(user=user):
        return Q(**{f"{partnership}__in": partnerships_of(user=user)}) | _owned_by(user)
    return _owned_by(user)


def _seen_through(
    model: type[A], user: Professional, parents: Callable[..., QuerySet[Any]], via: str
) -> QuerySet[A]:
    """``model`` rows of a parent (``via``) that ``parents(user=...)`` shows, that are the
    caseload's or the person's own or their agency's; none for someone with no agency."""
    if not user.is_active or user.agency_id is None:
        return model.objects.none()
    seen = among(parents(user=user), via)
    return model.objects.filter(Q(seen) & _whose(user, f"{via}__partnership"))


def actions_visible_to(*, user: Professional) -> QuerySet[Action]:
    """The record's actions this person may see: those of a discussion they may see
    (``discussions_visible_to``: invited, or the caseload's, a restricted one only if named
    on it) that are the caseload's or their own agency's. An action never shows more than
    its discussion does: a colleague not invited does not see the agency's action."""
    return _seen_through(Action, user, discussions_visible_to, "record__discussion")


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
    owner_agency = action.owner_agency_id
    if owner_agency is None and action.owner_professional_id is not None:
        owner_agency = (
            Professional.objects.filter(pk=action.owner_professional_id)
            .values_list("agency_id", flat=True)
            .first()
        )
    return owner_agency is not None and owner_agency == user.agency_id


def mine(qs: QuerySet[M], *, user: Professional) -> QuerySet[M]:
    """ "My actions": mine and my agency's; a partner also sees their colleagues' (one agency,
    one set of actions). Social care sees its colleagues' on the Actions list instead."""
    condition = Q(owner_professional=user.pk) | Q(owner_agency=user.agency_id)
    if not sees_whole_caseload(user=user):
        condition |= Q(owner_professional__agency=user.agency_id)
    return qs.filter(condition)


def _due_clocks(model: type[Action] | type[HrpmAction]) -> QuerySet[Clock]:
    return clocks_counting(model, OuterRef("pk"), [ClockKind.ACTION_DUE])


def _latest_updates(field: str) -> QuerySet[ActionUpdate]:
    return ActionUpdate.objects.filter(**{field: OuterRef("pk")}).order_by("-number")


def _listed(
    qs: QuerySet[M], *, model: type[Action] | type[HrpmAction], field: str, now: datetime
) -> QuerySet[M]:
    """Annotate what a list row shows, with no query per row: the due clock, whether it is
    overdue, and the latest update. Overdue first, then soonest due."""
    clocks = _due_clocks(model)
    updates = _latest_updates(field)
    today = london_date(now)
    count = _count(ActionUpdate.objects.filter(**{field: OuterRef("pk")}), field)
    listed: QuerySet[M] = (
        qs.annotate(
            due_at=Subquery(clocks.values("due_at")[:1]),
            clock_state=Subquery(clocks.values("state")[:1]),
            clock_met_at=Subquery(clocks.values("met_at")[:1]),
            last_progress=Subquery(updates.values("progress")[:1]),
            last_note=Subquery(updates.values("note")[:1]),
            last_at=Subquery(updates.values("at")[:1]),
            update_count=Coalesce(Subquery(count), Value(0)),
        )
        .annotate(
            overdue=Case(
                When(Q(status="open") & Q(due_at__isnull=False, due_at__lt=now), then=True),
                When(Q(status="open") & Q(due_at__isnull=True, due_on__lt=today), then=True),
                default=False,
                output_field=BooleanField(),
            )
        )
        .order_by(
            Case(When(status="open", then=0), default=1),
            F("overdue").desc(),
            "due_on",
            "pk",
        )
    )
    return listed


def _count(qs: QuerySet[Any], group: str) -> QuerySet[Any]:
    """A correlated COUNT(*) for ``Subquery`` (no GROUP BY leaks into the outer query)."""
    counted: QuerySet[Any] = qs.order_by().values(group).annotate(n=Count("pk")).values("n")
    return counted


def _child_label() -> dict[str, Subquery]:
    children = Discussion.children.through.objects.filter(
        discussion_id=OuterRef("record__discussion_id")
    ).order_by("child_id")
    count = _count(
        Discussion.children.through.objects.filter(discussion_id=OuterRef("record__discussion_id")),
        "discussion_id",
    )
    return {
        "child_first_name": Subquery(children.values("child__first_name")[:1]),
        "child_last_name": Subquery(children.values("child__last_name")[:1]),
        "child_count": Subquery(count),
    }


def action_rows(qs: QuerySet[Action], *, now: datetime) -> QuerySet[Action]:
    """The record's actions as list rows: one query, whatever the number of rows."""
    return _listed(
        qs.select_related("record__discussion", "owner_agency", "owner_professional"),
        model=Action,
        field="action",
        now=now,
    ).annotate(**_child_label())


def hrpm_action_rows(qs: QuerySet[HrpmAction], *, now: datetime) -> QuerySet[HrpmAction]:
    return _listed(
        qs.select_related("meeting__hrpm__child", "owner_agency", "owner_professional"),
        model=HrpmAction,
        field="hrpm_action",
        now=now,
    )


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
