"""Reads of discussions and invitations: who sees what, what is required, what is due."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from convene.clocks.due_columns import soonest_open_due
from convene.clocks.status import Rag, describe_time_left, rag_status
from convene.core.access import among
from convene.core.pagination import QueuePage, queue_page
from convene.core.selector_memo import remembered_answer, remembered_per_person
from convene.discussions.attendance import (
    Attendee,
    CaseChild,
    CaseReferral,
    ChecklistItem,
    ChecklistMemo,
    Convened,
    Reply,
    checklist,
    with_apologies,
)
from convene.discussions.models import Discussion, Invitation
from convene.people.models import Child, ChildLink, Partnership, Professional
from convene.people.selectors import partnership_ids_of, partnerships_of, sees_whole_caseload
from convene.people.vocab import ROLE_LABELS, AgencyKind
from convene.policy import engine
from convene.policy.vocab import ClockKind, Pathway
from convene.referrals.models import Referral
from convene.referrals.policy import case_facts, facts_per_child, pack_for
from convene.referrals.receipt_clocks import RECEIPT_CLOCKS
from convene.referrals.selectors import (
    may_decide_and_convene,
    referrals_visible_to,
)
from convene.workdays import LONDON, london_date

# Rows of each of My work's queues a page, most urgent first (each queue its own pages).
WORK_LIST_LIMIT = 25
# My work's headings count each queue up to here, never further (``queue_page``).
COUNTED_UP_TO = 1_000
# Each queue's page number, by the query parameter that carries it.
QUEUE_PAGES = ("triage_page", "convene_page", "upcoming_page")


# Invited to at least this many discussions: a list walks rows and asks of each whether the
# person was invited, rather than gathering all their invitations first.
INVITED_OFTEN = 500


def invited_often(user: Professional) -> bool:
    """One query per request at most (kept on the person, ``remembered_answer``), an
    index-only count that stops at ``INVITED_OFTEN``; none for the signed-out (no pk)."""
    if user.pk is None:
        return False
    return remembered_answer(user, _count_invitations)


def _count_invitations(user: Professional) -> bool:
    return Invitation.objects.filter(professional=user.pk)[:INVITED_OFTEN].count() >= INVITED_OFTEN


@remembered_per_person
def discussions_visible_to(*, user: Professional, per_row: bool = False) -> QuerySet[Discussion]:
    """Social care: its partnerships' discussions (restricted referrals only if named on them).
    Everyone else: only the discussions they are invited to (or chair).

    ``per_row``: the same rows, for a bounded walk in index order (the API's list, newest
    first): the caseload's conditions are asked of each row walked by index, never built
    as hashed sets of the whole caseload and of the person's invitations first
    (``among(..., per_row=True)``; issue 15). A partner's rows are their own discussions,
    gathered first (``own_discussion_keys``) and read by key: walked, a nurse invited to
    174 of a million discussions read 309,603 of them for a page (58 ms). Unless invited
    often (``invited_often``): then the walk finds a page soon, where reading all of a
    police officer's 5,023 first took 84 ms."""
    if not user.is_active:
        return Discussion.objects.none()
    invited = Invitation.objects.filter(discussion=OuterRef("pk"), professional=user.pk)
    if not sees_whole_caseload(user=user):
        if per_row and not invited_often(user):
            return Discussion.objects.filter(pk__gathered=own_discussion_keys(user=user))
        return Discussion.objects.filter(Q(Exists(invited)) | Q(chair=user.pk))
    if per_row:  # a second link to the outer row, which PostgreSQL cannot hash
        invited = invited.filter(discussion__gte=OuterRef("pk"))
    # The discussion's own partnership (its referral's) first: a column, tested before the
    # referral is probed. Where a partnership holds few of the rows walked, each was probed:
    # a Northvale social worker's API list (0.2% of a million) probed 23,307 referrals for
    # a page; a team manager's meetings to hold, 3,061 of another partnership's of 4,606.
    seen = Q(partnership__in=partnership_ids_of(user=user)) & Q(
        among(referrals_visible_to(user=user), "referral", per_row=per_row)
    )
    return Discussion.objects.filter(seen | Q(Exists(invited)) | Q(chair=user.pk))


def invited_discussion_keys(*, user: Professional) -> QuerySet[Any]:
    """The ids of the discussions ``user`` is invited to, from the invitations' person index:
    where every partner's list and check of "the discussions I was invited to" starts."""
    return Invitation.objects.filter(professional=user.pk).order_by().values("discussion")


def own_discussion_keys(*, user: Professional) -> QuerySet[Any]:
    """The ids of the discussions ``user`` is invited to or chairs, gathered from the two
    indexes that name the person (one ``UNION``): a partner's whole rule in
    ``discussions_visible_to``, as keys, for a list that starts from them (issue 15)."""
    return invited_discussion_keys(user=user).union(
        Discussion.objects.filter(chair=user.pk).order_by().values("pk")
    )


def may_change_discussion(*, user: Professional, discussion: Discussion) -> bool:
    """Convene, reschedule, invite, cancel: a social care manager of the discussion's
    partnership (R001.5). Auditors never (``may_decide_and_convene`` asks)."""
    return (
        may_decide_and_convene(user=user)
        and partnerships_of(user=user).filter(pk=discussion.partnership_id).exists()
    )


def invitations_visible_to(*, user: Professional) -> QuerySet[Invitation]:
    """The invitations of the discussions ``user`` may see (the discussion page lists them)."""
    return Invitation.objects.filter(among(discussions_visible_to(user=user), "discussion"))


def may_answer_invitation(*, user: Professional, invitation: Invitation) -> bool:
    """The person invited answers; a manager of the partnership records an answer given by phone."""
    return invitation.professional_id == user.pk or may_change_discussion(
        user=user, discussion=invitation.discussion
    )


def invitations_of(*, user: Professional) -> QuerySet[Invitation]:
    """The user's own invitations, soonest first, with what the page shows."""
    return (
        Invitation.objects.filter(professional=user.pk)
        .select_related("discussion", "discussion__chair")
        .only(*_INVITATION_SHOWN)
        .order_by("discussion__starts_at", "pk")
    )


# What "My invitations" shows of each: the reply, and the discussion's reference, kind,
# start, venue, state and chair; not the discussion's other columns (issue 15).
_INVITATION_SHOWN = (
    "pk",
    "response",
    *(f"discussion__{field}" for field in ("id", "kind", "starts_at", "venue", "state")),
    *(f"discussion__chair__{field}" for field in Professional.NAME_FIELDS),
)


def invitable_professionals(*, partnership: Partnership) -> QuerySet[Professional]:
    """Active professionals of the partnership's agencies: the only people who can be invited."""
    return (
        Professional.objects.filter(is_active=True, agency__partnerships=partnership)
        .select_related("agency")
        .prefetch_related("role_grants")
        .order_by("agency__name", "last_name", "first_name")
        .distinct()
    )


def chair_candidates(
    *, partnership: Partnership, referral: Referral | None = None
) -> QuerySet[Professional]:
    """Children's social care staff of the partnership holding a role the policy lets chair.

    With ``referral``, only the roles its pack allows for its children (R001.5, R002.4);
    the service checks again for the children finally chosen.
    """
    people = invitable_professionals(partnership=partnership).filter(
        agency__kind=AgencyKind.SOCIAL_CARE
    )
    if referral is None:
        return people
    pack = pack_for(referral)
    facts = case_facts(
        referral,
        list(referral.children.all()),
        pathway=Pathway(referral.chosen_pathway or "strategy_discussion"),
    )
    roles = [role.value for role in engine.chair_roles(pack, facts)]
    return people.filter(role_grants__role__in=roles)


def children_for_discussion(*, referral: Referral) -> list[tuple[Child, bool]]:
    """The referral's children (True) and their siblings and household children (False)."""
    own = list(referral.children.order_by("referral_links__pk"))
    own_ids = {c.pk for c in own}
    linked_ids = ChildLink.objects.filter(from_child__in=own_ids).values("to_child")
    linked = (
        Child.objects.filter(pk__in=linked_ids)
        .exclude(pk__in=own_ids)
        .order_by("last_name", "first_name")
    )
    return [(child, True) for child in own] + [(child, False) for child in linked]


def discussion_checklist(
    *,
    referral: CaseReferral,
    children: Sequence[CaseChild],
    invitees: Sequence[Attendee],
    kind: str | None = None,
    memo: ChecklistMemo | None = None,
) -> list[ChecklistItem]:
    pathway = Pathway(kind or referral.chosen_pathway or Pathway.STRATEGY_DISCUSSION)
    return checklist(
        pack=pack_for(referral),
        facts=facts_per_child(referral, children, pathway=pathway)
        or [case_facts(referral, children, pathway=pathway)],
        invitees=invitees,
        referrer_agency=referral.referrer_agency,
        children=children,
        memo=memo,
    )


def invited_checklist(
    *,
    discussion: Convened,
    invitations: Sequence[Reply],
    children: Sequence[CaseChild],
    memo: ChecklistMemo | None = None,
) -> list[ChecklistItem]:
    """The checklist of an arranged discussion against those coming; an item only met by
    someone who sent apologies says "Apologies", not "Not invited" (issue 18)."""
    apologies = Invitation.Response.APOLOGIES
    items = discussion_checklist(
        referral=discussion.referral,
        children=children,
        invitees=[i.professional for i in invitations if i.response != apologies],
        kind=discussion.kind,
        memo=memo,
    )
    return with_apologies(items, [i.professional for i in invitations if i.response == apologies])


def chair_rule_text(*, referral: Referral, children: list[Child]) -> str:
    """Who may chair under the referral's policy, with the requirement ids, for hints and errors."""
    pack = pack_for(referral)
    facts = case_facts(
        referral, children, pathway=Pathway(referral.chosen_pathway or "strategy_discussion")
    )
    roles = sorted(engine.chair_roles(pack, facts), key=list(ROLE_LABELS).index)
    names = [ROLE_LABELS[r].lower() for r in roles]
    listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)
    return f"a {listed}" if listed else "nobody (the policy names no chair)"


def _invitations_ordered() -> QuerySet[Invitation]:
    return (
        Invitation.objects.select_related("professional__agency")
        .prefetch_related("professional__role_grants")
        .order_by("professional__agency__name", "professional__last_name")
    )


def invitations_for(*, discussion: Discussion) -> list[Invitation]:
    cache = getattr(discussion, "_prefetched_objects_cache", {})
    if "invitations" in cache:
        return list(cache["invitations"])
    return list(_invitations_ordered().filter(discussion=discussion))


def children_of(discussion: Discussion) -> list[Child]:
    """The discussion's children: prefetched with it if they were, else read."""
    return list(discussion.children.all())


# --- My work ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    due_at: datetime | None
    rag: Rag | None
    text: str

    @classmethod
    def of(cls, due_at: datetime | None, now: datetime) -> Due:
        if due_at is None:
            return cls(None, None, "")
        return cls(
            due_at, rag_status(due_at=due_at, now=now), describe_time_left(due_at=due_at, now=now)
        )


@dataclass(frozen=True)
class WorkItem:
    referral: Referral | None
    discussion: Discussion | None
    due: Due


@dataclass(frozen=True)
class MyWork:
    awaiting_triage: list[WorkItem]
    awaiting_triage_count: str  # ``queue_page``: "9" or "more than 1,000"
    to_convene: list[WorkItem]
    to_convene_count: str
    upcoming: list[WorkItem]
    upcoming_count: str
    # Each queue's page (django.core.paginator.Page), by its parameter in ``QUEUE_PAGES``.
    pages: dict[str, Any]


def _open_clock(
    subject_field: str, kinds: tuple[ClockKind, ...] = (ClockKind.CONVENE,), value: str = "due_at"
) -> Subquery:
    return soonest_open_due(Referral, [kind.value for kind in kinds], subject_field, value)


def _convene_clock_due(subject_field: str) -> Subquery:
    return _open_clock(subject_field)


# Every concern awaiting triage is on a clock from receipt (R002.2): its convene clock
# when same day, else its triage clock (convene.referrals.receipt_clocks).
_RECEIPT_CLOCKS = RECEIPT_CLOCKS


def _children_prefetch(path: str) -> Prefetch:  # type: ignore[type-arg]
    return Prefetch(
        path, queryset=Child.objects.only("pk", "first_name", "last_name", "date_of_birth")
    )


# What My work's tables show of a referral.
_REFERRAL_SHOWN = ("pk", "immediate_risk", "received_at", "recommended_pathway", "chosen_pathway")


def _queue(rows: QuerySet[Any], number: str | None) -> QueuePage:
    return queue_page(rows, number=number, size=WORK_LIST_LIMIT, cap=COUNTED_UP_TO)


def my_work(
    *, user: Professional, now: datetime, pages: Mapping[str, str | None] | None = None
) -> MyWork:
    """The front door's three queues, most urgent first, a page of each (``pages``: the page
    number of each queue by its parameter, ``QUEUE_PAGES``): a fixed number of queries,
    whatever the number of cases (each queue is one query, one for its children and, when
    it is longer than a page, a count of at most ``COUNTED_UP_TO + 1`` rows). Rendering a
    hundred rows of each was most of the page's time (76 ms at a million discussions)."""
    asked = pages or {}
    # Only the columns the queues show: a referral's policy explanation (tens of KB of JSON)
    # took seconds to parse for 200 rows, and its other forty-odd columns (the account, the
    # triage conversation) were most of the page's CPU at a million discussions (issue 15).
    referrals = referrals_visible_to(user=user).only(*_REFERRAL_SHOWN)
    awaiting_qs = referrals.filter(status=Referral.Status.AWAITING_TRIAGE)
    awaiting = _queue(
        # The soonest receipt clock is stored on the referral (``receipt_due_at``, kept by
        # the clock services): an order by a column, not a clock probe per referral queued.
        awaiting_qs.annotate(
            clock_due=F("receipt_due_at"),
            clock_kind=_open_clock("pk", _RECEIPT_CLOCKS, "kind"),
        )
        .prefetch_related(_children_prefetch("children"))
        .order_by(
            "-immediate_risk",
            F("clock_due").asc(nulls_last=True),
            "received_at",
            "pk",
        ),
        asked.get("triage_page"),
    )
    convene_qs = referrals.filter(status=Referral.Status.TRIAGED).annotate(
        convene_due=F("convene_due_at")  # the soonest open convene clock, stored
    )
    to_convene = _queue(
        convene_qs.prefetch_related(_children_prefetch("children")).order_by(
            F("convene_due").asc(nulls_last=True), "received_at", "pk"
        ),
        asked.get("convene_page"),
    )
    start_of_today = datetime.combine(london_date(now), time(0), tzinfo=LONDON)
    upcoming_qs = discussions_visible_to(user=user).filter(
        state=Discussion.State.SCHEDULED, starts_at__gte=start_of_today
    )
    upcoming = _queue(
        upcoming_qs.annotate(
            convene_due=_convene_clock_due("referral_id"),
            accepted=Count("invitations", filter=Q(invitations__response="accepted")),
            apologies=Count("invitations", filter=Q(invitations__response="apologies")),
            invited=Count("invitations"),
        )
        .select_related("chair")
        .only("pk", "kind", "starts_at", *(f"chair__{field}" for field in Professional.NAME_FIELDS))
        .prefetch_related(_children_prefetch("children"))
        .order_by("starts_at", "pk"),
        asked.get("upcoming_page"),
    )
    return MyWork(
        awaiting_triage=[
            WorkItem(r, None, Due.of(getattr(r, "clock_due", None), now)) for r in awaiting.rows
        ],
        awaiting_triage_count=awaiting.count,
        to_convene=[
            WorkItem(r, None, Due.of(getattr(r, "convene_due", None), now)) for r in to_convene.rows
        ],
        to_convene_count=to_convene.count,
        upcoming=[
            WorkItem(None, d, Due.of(getattr(d, "convene_due", None), now)) for d in upcoming.rows
        ],
        upcoming_count=upcoming.count,
        pages=dict(zip(QUEUE_PAGES, (awaiting.page, to_convene.page, upcoming.page), strict=True)),
    )
