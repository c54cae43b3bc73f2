"""Reads of review strategy discussions: the discussion a review follows, and one already
arranged."""

from __future__ import annotations

from convene.discussions.models import Discussion
from convene.discussions.selectors import discussions_visible_to
from convene.people.models import Child, Professional

# Held states: a discussion that took place (a review or an enquiry can follow it).
HELD_STATES = (
    Discussion.State.HELD,
    Discussion.State.RECORDED,
    Discussion.State.AUTHORISED,
    Discussion.State.DISTRIBUTED,
    Discussion.State.CONFIRMED,
)


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
