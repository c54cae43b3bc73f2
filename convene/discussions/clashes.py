"""Clashes when scheduling: the chair or an invitee already booked at that time (issue 18).

A warning, never a refusal: the convenor knows whether the other booking can move. Only
the person and the other booking's time are shown, never which discussion it is (the
convenor may not be allowed to see it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from convene.discussions.models import Discussion, Invitation
from convene.people.models import Professional


@dataclass(frozen=True)
class Clash:
    person: Professional
    starts_at: datetime
    ends_at: datetime
    chairing: bool


def booking_clashes(
    *,
    people: Iterable[int | str],
    starts_at: datetime,
    ends_at: datetime,
    exclude: int | None = None,
) -> list[Clash]:
    """Who of ``people`` is invited to another live discussion overlapping the time.

    One query, whatever the number of people: the chair is always among the invited.
    Apologies already sent free the person; a cancelled discussion books nobody.
    """
    ids = {int(pk) for pk in people if str(pk).isdigit()}
    if not ids or ends_at <= starts_at:
        return []
    booked = (
        Invitation.objects.filter(
            professional_id__in=ids,
            discussion__starts_at__lt=ends_at,
            discussion__ends_at__gt=starts_at,
        )
        .exclude(discussion__state=Discussion.State.CANCELLED)
        .exclude(response=Invitation.Response.APOLOGIES)
        .select_related("professional", "discussion")
        .order_by("professional__last_name", "professional__first_name", "discussion__starts_at")
    )
    if exclude is not None:
        booked = booked.exclude(discussion_id=exclude)
    return [
        Clash(
            person=invitation.professional,
            starts_at=invitation.discussion.starts_at,  # type: ignore[arg-type]
            ends_at=invitation.discussion.ends_at,  # type: ignore[arg-type]
            chairing=invitation.discussion.chair_id == invitation.professional_id,
        )
        for invitation in booked
    ]


def clashes_on_form(
    data: dict[str, Any], people: Iterable[int | str], exclude: int | None = None
) -> list[Clash]:
    """The clashes for the time a form was given, once it parsed one (else none)."""
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        return []
    return booking_clashes(people=people, starts_at=starts_at, ends_at=ends_at, exclude=exclude)
