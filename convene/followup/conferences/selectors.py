"""Reads of initial child protection conferences: which a person may see, and the ICPC clock."""

from __future__ import annotations

from django.db.models import (
    Q,
    QuerySet,
)

from convene.clocks.models import Clock
from convene.core.access import among
from convene.core.selector_memo import remembered_per_person
from convene.discussions.selectors import discussions_visible_to
from convene.followup.enquiries.selectors import discussion_clocks
from convene.followup.models import (
    Icpc,
)
from convene.followup.roles import is_reviewing_service
from convene.followup.vocab import IcpcState
from convene.people.models import Professional
from convene.people.selectors import partnership_ids_of
from convene.people.vocab import Role
from convene.policy.vocab import ClockKind


@remembered_per_person
def icpcs_visible_to(*, user: Professional) -> QuerySet[Icpc]:
    """Those of the discussions ``user`` may see; and for the Reviewing Service, every
    conference of their partnership the Head of Service confirmed: theirs to convene (R001.14)."""
    seen = Q(among(discussions_visible_to(user=user), "discussion"))
    if user.has_role(Role.REVIEWING_SERVICE):
        mine = [
            pk
            for pk in partnership_ids_of(user=user)
            if is_reviewing_service(user=user, partnership=pk)
        ]
        seen |= Q(partnership__in=mine) & ~Q(state=IcpcState.REQUESTED)
    return Icpc.objects.filter(seen)


def icpc_clock(*, icpc: Icpc) -> Clock | None:
    """The discussion's ICPC clock (R002.12), if the policy set one."""
    clocks = discussion_clocks(discussion=icpc.discussion, kinds=[ClockKind.ICPC])
    return clocks[0] if clocks else None
