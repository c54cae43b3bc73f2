"""The pack may hold submitted checks back until the meeting starts (``hold_back_until_start``
of its ``agency_check`` rule; England: off). Then, before the start, an invitee sees only their
own agency's check; the chair (and a manager who may chair) always sees every agency's.
"""

from __future__ import annotations

from datetime import datetime

from convene.agencychecks.convening import discussion_terms
from convene.discussions.models import Discussion
from convene.people.models import Professional
from convene.records.policy import may_chair

__all__ = ["only_own_agency"]


def only_own_agency(*, user: Professional, discussion: Discussion, now: datetime) -> int | None:
    """The agency whose check alone ``user`` may read now (their own), or None: every one."""
    if discussion.starts_at is None or now >= discussion.starts_at:
        return None
    if discussion.chair_id == user.pk or may_chair(user, discussion):
        return None
    if not discussion_terms(discussion).hold_back_until_start:
        return None
    return user.agency_id or 0
