""" "My invitations" at any size (issue 15, docs/performance.md).

A chair of ten years has hundreds of thousands of invitations: the page shows those coming
up (soonest first, at most ``UPCOMING_MAX``) and the past and cancelled ones newest first,
``PAST_PAGE`` at a time through a keyset cursor (``?before=<invitation id>``), never all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from convene.discussions.models import LIVE_STATES, Invitation
from convene.discussions.selectors import invitations_of
from convene.people.models import Professional

UPCOMING_MAX = 50
PAST_PAGE = 20


def _upcoming_q(now: datetime) -> Q:
    # The partial index ``discussion_live_ends`` answers this (issue 15).
    return Q(discussion__state__in=LIVE_STATES) & (
        Q(discussion__ends_at__isnull=True) | Q(discussion__ends_at__gte=now)
    )


@dataclass(frozen=True)
class MyInvitations:
    upcoming: list[Invitation]
    more_upcoming: bool  # more than UPCOMING_MAX are coming up
    past: list[Invitation]
    older: int | None  # the ``before`` cursor of the next page of past ones
    first: bool  # the first page of past ones (the most recent)


def my_invitations(*, user: Professional, now: datetime, before: int | None) -> MyInvitations:
    mine: QuerySet[Invitation] = invitations_of(user=user)
    upcoming = list(mine.filter(_upcoming_q(now))[: UPCOMING_MAX + 1])
    past_rows = mine.exclude(_upcoming_q(now)).order_by("-pk")
    if before is not None:
        past_rows = past_rows.filter(pk__lt=before)
    past = list(past_rows[: PAST_PAGE + 1])
    return MyInvitations(
        upcoming=upcoming[:UPCOMING_MAX],
        more_upcoming=len(upcoming) > UPCOMING_MAX,
        past=past[:PAST_PAGE],
        older=past[PAST_PAGE - 1].pk if len(past) > PAST_PAGE else None,
        first=before is None,
    )
