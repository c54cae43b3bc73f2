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
from convene.discussions.models import Discussion, Invitation
from convene.discussions.selectors import (
    discussions_visible_to,
    invitations_visible_to,
    may_answer_invitation,
    may_change_discussion,
)
from convene.people.models import Professional


@grants_children
def children_of_invited_discussions(user: Professional) -> Q:
    """A partner sees the children of the strategy discussions they are invited to.

    Every invitation belongs to one partnership's discussion, so the rule
    never crosses a partnership boundary on its own.
    """
    # EXISTS, not IN: ORed with a caseload (a team manager), it is checked only for a child
    # outside the caseload, two index probes each, instead of gathering every child of every
    # discussion the person was ever invited to (issue 15); alone, PostgreSQL makes it a join.
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
