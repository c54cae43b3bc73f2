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
    QuerySet,
    Subquery,
    When,
)

from convene.clocks.models import Clock
from convene.clocks.selectors import clocks_counting
from convene.core.access import among
from convene.core.selector_memo import remembered_per_person
from convene.discussions.models import Discussion
from convene.discussions.selectors import discussions_visible_to
from convene.followup.models import (
    S47Enquiry,
)
from convene.people.models import Professional
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
    clocks = clocks_counting(Discussion, OuterRef("discussion_id"), [ClockKind.S47_VISIT])
    return (
        qs.select_related("child", "discussion", "icpc")
        .annotate(
            visit_due_at=Subquery(clocks.values("due_at")[:1]),
            visit_met_at=Subquery(clocks.values("met_at")[:1]),
        )
        .order_by(Case(When(state="closed", then=1), default=0), "started_at", "pk")
    )
