"""Reads of S47 enquiries: which a person may see, the decisions to start, the list's rows, and
the discussion's clocks the record started for them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)

from convene.clocks.models import Clock
from convene.clocks.selectors import clocks_counting
from convene.core.access import among, sees_whole_caseload
from convene.core.selector_memo import remembered_per_person
from convene.discussions.models import Discussion
from convene.discussions.selectors import discussions_visible_to, own_discussion_keys
from convene.followup.models import (
    S47Enquiry,
)
from convene.people.models import Professional
from convene.people.selectors import partnership_ids_of
from convene.policy.vocab import ClockKind, Decision
from convene.records.models import RecordVersion


def discussion_clocks(*, discussion: Discussion, kinds: Iterable[ClockKind]) -> list[Clock]:
    """The discussion's clocks of ``kinds`` that still count (not waived), newest first.

    The record starts the S47 visit and ICPC clocks on the discussion when it
    authorises a S47 decision; the follow-through meets those very clocks.
    """
    return list(clocks_counting(Discussion, discussion.pk, kinds))


# --- S47 enquiries and ICPCs -----------------------------------------------------------

DECIDED_STATES = (
    Discussion.State.AUTHORISED,
    Discussion.State.DISTRIBUTED,
    Discussion.State.CONFIRMED,
)
S47_DECISIONS = [Decision.S47_SINGLE_AGENCY.value, Decision.S47_JOINT.value]


@remembered_per_person
def s47_enquiries_visible_to(*, user: Professional, listed: bool = False) -> QuerySet[S47Enquiry]:
    """The enquiries of the discussions ``user`` may see (social care: the partnership's;
    a partner: those of discussions they were invited to, e.g. police in a joint enquiry).

    ``listed``: the same rows, for a list walked newest first (the S47 list and the API's),
    told so that PostgreSQL starts from the person's few rows instead of walking every
    enquiry asking each (issue 15; docs/performance.md). A partner's rule is their own
    discussions (invited, or chair): those keys gathered first (``own_discussion_keys``),
    then the enquiries by the discussion index. Social care keeps the rule, narrowed by a
    condition every row it lets through meets: the enquiry is of their partnerships (a
    discussion seen through the caseload is of its referral's partnership, an enquiry of
    its discussion's: the services set both) or of a discussion of their own. A worker of a
    small partnership then reads its few by the partnership index; the home
    partnership's walk stops at the page as before (the second arm is not asked while the
    first holds). Not for one enquiry by id: gathering a partner's every invitation would
    cost more than the probe."""
    if not listed:
        return S47Enquiry.objects.filter(among(discussions_visible_to(user=user), "discussion"))
    if not user.is_active:  # sees no discussion
        return S47Enquiry.objects.none()
    own = Q(discussion__gathered=own_discussion_keys(user=user))
    if not sees_whole_caseload(user=user):
        return S47Enquiry.objects.filter(own)
    seen = among(discussions_visible_to(user=user), "discussion")
    mine = Q(partnership__in=partnership_ids_of(user=user))
    return S47Enquiry.objects.filter(seen, mine | own)


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
    clocks = clocks_counting(Discussion, OuterRef("discussion_id"), [ClockKind.S47_VISIT])
    return (
        qs.select_related("child", "discussion", "icpc")
        .annotate(
            visit_due_at=Subquery(clocks.values("due_at")[:1]),
            visit_met_at=Subquery(clocks.values("met_at")[:1]),
        )
        .order_by(Case(When(state="closed", then=1), default=0), "started_at", "pk")
    )
