"""Reads of the planned reconvene after a Single Assessment (R002.13).

Kept apart from ``followup.reviews.selectors``: which record planned a reconvene, its
clock, and the discussion that reconvenes it.
"""

from __future__ import annotations

from convene.clocks.models import Clock
from convene.discussions.models import Discussion
from convene.followup.enquiries.selectors import discussion_clocks
from convene.policy.vocab import ClockKind, Decision
from convene.records.models import RecordVersion

__all__ = ["planned_reconvene_version", "reconvene_clock", "reconvened_as"]


def planned_reconvene_version(*, discussion: Discussion) -> RecordVersion | None:
    """The latest authorised version of the record, if its decision is Single Assessment: the
    record planned a reconvene at the assessment's end (R002.13)."""
    latest = RecordVersion.objects.filter(record__discussion=discussion).order_by("-number").first()
    return latest if latest and latest.decision == Decision.SINGLE_ASSESSMENT else None


def reconvene_clock(*, discussion: Discussion) -> Clock | None:
    """The discussion's reconvene clock (R002.13), if its record started one."""
    clocks = discussion_clocks(discussion=discussion, kinds=[ClockKind.RECONVENE])
    return clocks[0] if clocks else None


def reconvened_as(*, discussion: Discussion) -> Discussion | None:
    """The discussion that reconvenes ``discussion`` as its record planned, unless cancelled."""
    return discussion.reconvened_as.exclude(state=Discussion.State.CANCELLED).order_by("pk").first()
