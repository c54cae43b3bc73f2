"""Allocation rows in the one access layer: read with the case they allocate; changed only
through ``services.allocation_change`` (managers of the case's partnership)."""

from __future__ import annotations

from convene.allocation.models import Allocation, Team
from convene.allocation.selectors import allocations_visible_to
from convene.core.access import READS, AccessAction, in_selector, rule_for, seen_through
from convene.people.models import Professional
from convene.people.selectors import partnerships_of
from convene.referrals.selectors import may_decide_and_convene


@rule_for(Allocation)
def _allocation_rule(user: Professional, action: AccessAction, obj: Allocation) -> bool:
    if not in_selector(allocations_visible_to, user=user, obj=obj):
        return False
    return action in READS or may_decide_and_convene(user=user)


@rule_for(Team)
def _team_rule(user: Professional, action: AccessAction, obj: Team) -> bool:
    # A team's name is no secret within its partnership; only admins change teams (admin site).
    if not partnerships_of(user=user).filter(pk=obj.partnership_id).exists():
        return False
    return action in READS


seen_through(Allocation, allocations_visible_to)
