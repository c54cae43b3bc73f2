"""A check sent after the meeting started: the chair is told, and asked whether it changes
the plan (the route to a review discussion on new information, R004.5).

The chair (or, with none named, whoever convened the discussion) gets an in-app notice and
an email through the outbox, once per version sent late, linking to the agency checks, where
"Does this change the plan?" leads to "Ask for a review discussion" (``followup:review``).
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from convene.agencychecks.models import AgencyCheck, AgencyCheckVersion
from convene.discussions.models import Discussion
from convene.followup.roles import manages_cases
from convene.people.models import Professional
from convene.reminders.services import deliveries_decide

__all__ = ["LATE", "late_check_tell_chair", "offers_review"]

LATE = "agency_check.late"


def _chair(discussion: Discussion) -> Professional | None:
    chair = discussion.chair or discussion.created_by
    return chair if isinstance(chair, Professional) else None


def late_check_tell_chair(
    *, check: AgencyCheck, version: AgencyCheckVersion, discussion: Discussion, now: datetime
) -> int:
    """Tell the chair that ``version`` of the check arrived after the meeting started."""
    chair = _chair(discussion)
    if chair is None:
        return 0
    return deliveries_decide(
        partnership=discussion.partnership,
        source=check,
        kind=f"{LATE}.{version.number}",
        professionals=[chair],
        subject=f"An agency check for {discussion.reference} arrived after the meeting started",
        body=(
            f"{check.agency.name} sent its agency check for {discussion.reference} after the "
            "meeting started. Read it, and decide whether it changes the plan: a review "
            "discussion is for new information that affects the safeguarding plan."
        ),
        link=reverse("agencychecks:board", args=[discussion.pk]),
        now=now,
    )


def offers_review(*, user: Professional, discussion: Discussion, late: bool) -> bool:
    """Whether the board asks ``user`` "Does this change the plan?": a check arrived late and
    they may ask for a review discussion (a social care manager of the partnership)."""
    return late and manages_cases(user=user, partnership=discussion.partnership_id)
