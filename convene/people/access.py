"""Children and their families in the one access layer (``convene.core.access``).

A child is seen through ``children_visible_to`` (the caseload rule and the
grants other apps register); the rows about a child — siblings, family — are
seen by whoever may see the child. Changing a child's details is children's
social care's job, not a partner's.
"""

from __future__ import annotations

from convene.core.access import READS, AccessAction, in_selector, part_of, rule_for, seen_through
from convene.people.models import Child, ChildLink, FamilyMember, FamilyRelationship, Professional
from convene.people.selectors import (
    children_visible_to,
    family_members_visible_to,
    sees_whole_caseload,
)


@rule_for(Child)
def _child_rule(user: Professional, action: AccessAction, child: Child) -> bool:
    visible = in_selector(children_visible_to, user=user, obj=child)
    if action in READS:
        return visible
    return visible and sees_whole_caseload(user=user)


@rule_for(FamilyMember)
def _family_member_rule(user: Professional, action: AccessAction, member: FamilyMember) -> bool:
    visible = in_selector(family_members_visible_to, user=user, obj=member)
    if action in READS:
        return visible
    return visible and sees_whole_caseload(user=user)


# The child's page lists its siblings and family: they are the child's record.
part_of(ChildLink, parent=lambda link: link.from_child, via="from_child")
part_of(FamilyRelationship, parent=lambda relationship: relationship.child, via="child")
seen_through(Child, children_visible_to)
seen_through(FamilyMember, family_members_visible_to)
