"""The planned reconvene after a Single Assessment (R002.13), as the record sees it.

A record whose decision is Single Assessment sets the date to reconvene, and its
authorisation starts the discussion's ``reconvene`` clock. The reconvened
discussion (``Discussion.reconvenes``, convened by
``followup.reviews.reconvene.reconvene_convene``) is held like any other; holding it
meets that clock, late if after the date.
"""

from __future__ import annotations

from datetime import datetime

from convene.clocks.models import Clock
from convene.clocks.services import clock_meet, clocks_open_for
from convene.discussions.models import Discussion
from convene.people.models import Professional
from convene.policy.vocab import ClockKind

__all__ = ["meet_planned_reconvene"]


def meet_planned_reconvene(
    *, discussion: Discussion, held_at: datetime, by: Professional
) -> list[Clock]:
    """``discussion`` was held: meet the reconvene clock of the discussion it reconvenes."""
    if discussion.reconvenes_id is None:
        return []
    first = Discussion.objects.get(pk=discussion.reconvenes_id)
    return [
        clock_meet(clock=clock, at=max(held_at, clock.started_at), by=by)
        for clock in clocks_open_for(subject=first)
        if clock.kind == ClockKind.RECONVENE
    ]
