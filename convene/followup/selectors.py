"""Reads of the follow-through, and who may do what with it.

Visibility is decided once, by the selectors the other apps own:
``convene.people.selectors.children_visible_to`` for children and
``convene.discussions.selectors.discussions_visible_to`` for discussions.
The follow-through adds one rule of its own, for actions: of the actions whose
discussion (or HRPM) a person may see, the caseload sees the partnership's and
everyone else their own and their agency's (the authorised record assigned it to
them). An action never shows more than the discussion it comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
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
from convene.core.access import among, is_read_only
from convene.discussions.models import Discussion
from convene.discussions.selectors import discussions_visible_to
from convene.followup.models import (
    ActionUpdate,
    Hrpm,
    HrpmAction,
    HrpmMeeting,
    Icpc,
    S47Enquiry,
)
from convene.followup.vocab import IcpcState
from convene.people.models import Child, Partnership, Professional
from convene.people.selectors import children_visible_to, partnerships_of, sees_whole_caseload
from convene.people.vocab import AgencyKind, Role
from convene.policy.vocab import ClockKind, Decision
from convene.records.models import Action, RecordVersion
from convene.workdays import london_date

M = TypeVar("M", bound=Model)

# Children's social care staff who carry a case through: the social worker and managers.
WORKER_ROLES = frozenset(
    {Role.SOCIAL_WORKER, Role.DEPUTY_TEAM_MANAGER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE}
)
# Managers give management oversight (R000.2b), decide on an HRPM (R000.2c), close enquiries.
MANAGER_ROLES = frozenset({Role.DEPUTY_TEAM_MANAGER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE})
# Held states: a discussion that took place (a review or an enquiry can follow it).
HELD_STATES = (
    Discussion.State.HELD,
    Discussion.State.RECORDED,
    Discussion.State.AUTHORISED,
    Discussion.State.DISTRIBUTED,
    Discussion.State.CONFIRMED,
)


def _social_care_in(user: Professional, partnership: Partnership | int) -> bool:
    pk = partnership if isinstance(partnership, int) else partnership.pk
    return (
        user.is_active
        and user.agency is not None
        and user.agency.kind == AgencyKind.SOCIAL_CARE
        and not is_read_only(user=user)  # auditors never write, whatever else they hold
        and partnerships_of(user=user).filter(pk=pk).exists()
    )


def works_cases(*, user: Professional, partnership: Partnership | int) -> bool:
    """A social worker or manager of the partnership's children's social care (not an auditor)."""
    return user.has_role(*WORKER_ROLES) and _social_care_in(user, partnership)


def manages_cases(*, user: Professional, partnership: Partnership | int) -> bool:
    """A social care manager of the partnership: deputy team manager, team manager, head."""
    return user.has_role(*MANAGER_ROLES) and _social_care_in(user, partnership)


def is_head_of_service(*, user: Professional, partnership: Partnership | int) -> bool:
    """R001.14: the Head of Service with whom an ICPC is confirmed."""
    return user.has_role(Role.HEAD_OF_SERVICE) and _social_care_in(user, partnership)


def is_reviewing_service(*, user: Professional, partnership: Partnership | int) -> bool:
    """R001.14: the Reviewing Service, who convene the ICPC once the Head of Service confirms."""
    return user.has_role(Role.REVIEWING_SERVICE) and _social_care_in(user, partnership)


def arranges_conference(*, user: Professional, partnership: Partnership | int) -> bool:
    """Sets the date of an ICPC and records it held: the Reviewing Service who convene it
    (R001.14), or the partnership's social workers and managers on its behalf."""
    return is_reviewing_service(user=user, partnership=partnership) or works_cases(
        user=user, partnership=partnership
    )


def reviewing_service(*, partnership: Partnership | int) -> QuerySet[Professional]:
    """Who convenes the partnership's ICPCs: its active Reviewing Service (R001.14)."""
    pk = partnership if isinstance(partnership, int) else partnership.pk
    return (
        Professional.objects.filter(
            is_active=True,
            agency__kind=AgencyKind.SOCIAL_CARE,
            agency__partnerships=pk,
            role_grants__role=Role.REVIEWING_SERVICE.value,
        )
        .order_by("last_name", "first_name", "pk")
        .distinct()
    )


def partnership_professionals(*, partnership: Partnership) -> QuerySet[Professional]:
    """Active professionals of the partnership's agencies (HRPM attendees, action owners)."""
    return (
        Professional.objects.filter(is_active=True, agency__partnerships=partnership)
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
        .distinct()
    )


def discussion_clocks(*, discussion: Discussion, kinds: Iterable[ClockKind]) -> list[Clock]:
    """The discussion's clocks of ``kinds`` that still count (not waived), newest first.

    The record starts the S47 visit and ICPC clocks on the discussion when it
    authorises a S47 decision; the follow-through meets those very clocks.
    """
    return list(
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(Discussion),
            subject_id=discussion.pk,
            kind__in=[kind.value for kind in kinds],
        )
        .exclude(state=Clock.State.WAIVED)
        .order_by("-started_at", "-pk")
    )


def icpc_clock(*, icpc: Icpc) -> Clock | None:
    """The discussion's ICPC clock (R002.12), if the policy set one."""
    clocks = discussion_clocks(discussion=icpc.discussion, kinds=[ClockKind.ICPC])
    return clocks[0] if clocks else None


# --- S47 enquiries and ICPCs -----------------------------------------------------------

DECIDED_STATES = (
    Discussion.State.AUTHORISED,
    Discussion.State.DISTRIBUTED,
    Discussion.State.CONFIRMED,
)
S47_DECISIONS = [Decision.S47_SINGLE_AGENCY.value, Decision.S47_JOINT.value]


def s47_enquiries_visible_to(*, user: Professional) -> QuerySet[S47Enquiry]:
    """The enquiries of the discussions ``user`` may see (social care: the partnership's;
    a partner: those of discussions they were invited to, e.g. police in a joint enquiry)."""
    return S47Enquiry.objects.filter(among(discussions_visible_to(user=user), "discussion"))


def s47_decisions_to_start(*, user: Professional) -> QuerySet[RecordVersion]:
    """Authorised S47 decisions whose enquiry has not been started: nothing may drift."""
    decided = discussions_visible_to(user=user).filter(state__in=DECIDED_STATES)
    started = S47Enquiry.objects.filter(discussion=OuterRef("record__discussion"))
    return (
        RecordVersion.objects.filter(
            record__discussion__in=decided.values("pk"),
            record__draft_open=False,
            number=F("record__latest_number"),
            decision__in=S47_DECISIONS,
        )
        .exclude(Exists(started))
        .select_related("record__discussion")
        .order_by("record__held_at", "pk")
    )


def s47_rows(qs: QuerySet[S47Enquiry], *, now: datetime) -> QuerySet[S47Enquiry]:
    """Enquiries as list rows with the discussion's visit clock, open ones first: one query."""
    clocks = (
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(Discussion),
            subject_id=OuterRef("discussion_id"),
            kind=ClockKind.S47_VISIT.value,
        )
        .exclude(state=Clock.State.WAIVED)
        .order_by("-started_at", "-pk")
    )
    return (
        qs.select_related("child", "discussion", "icpc")
        .annotate(
            visit_due_at=Subquery(clocks.values("due_at")[:1]),
            visit_met_at=Subquery(clocks.values("met_at")[:1]),
        )
        .order_by(Case(When(state="closed", then=1), default=0), "started_at", "pk")
    )


def icpcs_visible_to(*, user: Professional) -> QuerySet[Icpc]:
    """Those of the discussions ``user`` may see; and for the Reviewing Service, every
    conference of their partnership the Head of Service confirmed: theirs to convene (R001.14)."""
    seen = Q(among(discussions_visible_to(user=user), "discussion"))
    if user.has_role(Role.REVIEWING_SERVICE):
        mine = [
            pk
            for pk in partnerships_of(user=user).values_list("pk", flat=True)
            if is_reviewing_service(user=user, partnership=pk)
        ]
        seen |= Q(partnership__in=mine) & ~Q(state=IcpcState.REQUESTED)
    return Icpc.objects.filter(seen)


# --- Review discussions -----------------------------------------------------------------


def latest_held_discussion(*, child: Child, user: Professional) -> Discussion | None:
    """The child's most recent strategy discussion that took place, as ``user`` may see it."""
    return (
        discussions_visible_to(user=user)
        .filter(children=child, state__in=HELD_STATES)
        .order_by("-starts_at", "-pk")
        .first()
    )


def live_review_of(*, discussion: Discussion) -> Discussion | None:
    """A review of ``discussion`` already requested or scheduled, if there is one."""
    return (
        Discussion.objects.filter(
            review_of__discussion=discussion,
            state__in=[Discussion.State.REQUESTED, Discussion.State.SCHEDULED],
        )
        .order_by("pk")
        .first()
    )


# --- High Risk Planning Meetings ---------------------------------------------------------


def hrpms_visible_to(*, user: Professional) -> QuerySet[Hrpm]:
    """Social care: the HRPMs of the children it may see. Partners: those whose meetings they
    attended (the HRPM is a multi-agency forum, R000.3)."""
    if not user.is_active:
        return Hrpm.objects.none()
    if sees_whole_caseload(user=user):
        return Hrpm.objects.filter(among(children_visible_to(user=user), "child"))
    attended = HrpmMeeting.objects.filter(hrpm=OuterRef("pk"), attendees=user.pk)
    return Hrpm.objects.filter(Exists(attended))


def hrpm_meetings(*, hrpm: Hrpm) -> list[HrpmMeeting]:
    return list(hrpm.meetings.prefetch_related("attendees__agency", "actions").order_by("-number"))


# --- Actions -----------------------------------------------------------------------------


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


def actions_visible_to(*, user: Professional) -> QuerySet[Action]:
    """The record's actions this person may see: those of a discussion they may see
    (``discussions_visible_to``: invited, or the caseload's, a restricted one only if named
    on it) that are the caseload's or their own agency's. An action never shows more than
    its discussion does: a colleague not invited does not see the agency's action."""
    if not user.is_active or user.agency_id is None:
        return Action.objects.none()
    seen = among(discussions_visible_to(user=user), "record__discussion")
    return Action.objects.filter(Q(seen) & _whose(user, "record__discussion__partnership"))


def hrpm_actions_visible_to(*, user: Professional) -> QuerySet[HrpmAction]:
    """HRPM safety-plan actions: as for the record's, through the HRPMs one may see
    (``hrpms_visible_to``: the caseload's, or one whose meeting a partner attended)."""
    if not user.is_active or user.agency_id is None:
        return HrpmAction.objects.none()
    seen = among(hrpms_visible_to(user=user), "meeting__hrpm")
    return HrpmAction.objects.filter(Q(seen) & _whose(user, "meeting__hrpm__partnership"))


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
    return (
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(model),
            subject_id=OuterRef("pk"),
            kind=ClockKind.ACTION_DUE.value,
        )
        .exclude(state=Clock.State.WAIVED)
        .order_by("-started_at", "-pk")
    )


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
    return (
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(type(action)),
            subject_id=action.pk,
            kind=ClockKind.ACTION_DUE.value,
        )
        .exclude(state=Clock.State.WAIVED)
        .order_by("-started_at", "-pk")
        .first()
    )
