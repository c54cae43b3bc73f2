"""The discussions app's part of the one access layer (``convene.core.access``).

* Which children a partner sees: those of the discussions they are invited to
  (``@grants_children``).
* A discussion: read if it is in ``discussions_visible_to``; changed
  (convene, reschedule, invite, cancel) by a manager of its partnership
  (``may_change_discussion``).
* An invitation: read with its discussion; answered by the person invited or
  a manager (``may_answer_invitation``).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from convene.core.access import (
    READS,
    AccessAction,
    grants_children,
    in_selector,
    rule_for,
    seen_through,
)
from convene.core.any_of import Ids
from convene.discussions.models import Discussion, Invitation
from convene.discussions.selectors import (
    discussions_visible_to,
    invitations_visible_to,
    invited_discussion_keys,
    invited_often,
    may_answer_invitation,
    may_change_discussion,
)
from convene.people.models import Professional


@grants_children
def children_of_invited_discussions(
    user: Professional, *, per_row: bool = False, alone: bool = True
) -> Q:
    """A partner sees the children of the strategy discussions they are invited to.

    Every invitation belongs to one partnership's discussion, so the rule
    never crosses a partnership boundary on its own.
    """
    # Invited often (``invited_often``): a caseload person's other children are asked of
    # each row a list walks (a partner's are gathered, however many).
    if per_row and not alone and invited_often(user):
        # A list walks children in name order and asks this of the rows it reads, to stop at
        # the page: the child's discussions (an index probe), then the person's invitation to
        # one (another). The second link to the outer row stops PostgreSQL hashing every
        # child of every invitation the person ever had first (issue 15). Only for a caseload
        # person invited often (a team manager): their caseload fills the page anyway, and
        # the children outside it are many; gathered, they would be read whole first.
        invitation = Invitation.objects.filter(
            discussion=OuterRef("discussion_id"), professional=user.pk
        )
        walked = Discussion.children.through.objects.filter(
            Exists(invitation), child=OuterRef("pk"), child__gte=OuterRef("pk")
        )
        return Q(Exists(walked))
    # The children of the discussions the person is invited to, straight from the
    # invitations to the discussion-child links (no join through the discussion itself).
    invited_to = invited_discussion_keys(user=user)
    gathered = Discussion.children.through.objects.filter(discussion__in=invited_to).values(
        "child_id"
    )
    if per_row and alone:
        # A partner's list: their children read first as ids (one query, which stands where
        # the count of invitations did), then probed by id and sorted for the page, and
        # counted, from that one set (``core.any_of``). Walked in name order instead, their
        # children are a sliver of the rows read (a nurse's 178 of 300,000: 2.5 s; a police
        # officer's 4,788: 0.7 s at 1,000,000 discussions); as a subquery, PostgreSQL may
        # turn it into that walk again, or gather it twice (the page and its count). The set
        # grows with the data, but as one person's invitations do (carol, the most invited
        # partner at 1,000,000 discussions: 4,916 invitations, 4,788 children).
        return Q(pk__any_of=Ids(gathered.values_list("child_id", flat=True)))
    if per_row:
        # ORed with a caseload, for someone invited rarely: gathered as the database's own
        # set (``core.any_of.Gathered``), read only if a row outside the caseload is reached,
        # so a small partnership's caseload (Northvale: 1 child) and it are read by index and
        # joined (a bitmap OR), not the whole name index walked to find them.
        return Q(pk__gathered=gathered)
    if alone:
        # Alone (a partner's only way to a child): their few children gathered first, one
        # walk of their invitations, then a probe per child. SQLite asks an EXISTS of every
        # child of the partnership instead (a police officer's children list at 5,000
        # discussions: 79 ms counting them, of a 104 ms page).
        return Q(pk__in=gathered)
    # EXISTS, not IN: ORed with a caseload (a team manager), it is checked only for a child
    # outside the caseload, two index probes each, instead of gathering every child of every
    # discussion the person was ever invited to (issue 15).
    invited = Invitation.objects.filter(professional=user.pk, discussion__children=OuterRef("pk"))
    return Q(Exists(invited))


@rule_for(Discussion)
def _discussion_rule(user: Professional, action: AccessAction, discussion: Discussion) -> bool:
    if not in_selector(discussions_visible_to, user=user, obj=discussion):
        return False
    return action in READS or may_change_discussion(user=user, discussion=discussion)


@rule_for(Invitation)
def _invitation_rule(user: Professional, action: AccessAction, invitation: Invitation) -> bool:
    if not in_selector(invitations_visible_to, user=user, obj=invitation):
        return False
    return action in READS or may_answer_invitation(user=user, invitation=invitation)


seen_through(Discussion, discussions_visible_to)
seen_through(Invitation, invitations_visible_to)
