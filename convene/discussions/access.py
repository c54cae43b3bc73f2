"""The discussions app's part of who sees which child (registered in convene.core.access)."""

from __future__ import annotations

from django.db.models import Q

from convene.core.access import grants_children
from convene.people.models import Child, Professional


@grants_children
def children_of_invited_discussions(user: Professional) -> Q:
    """A partner sees the children of the strategy discussions they are invited to.

    Every invitation belongs to one partnership's discussion, so the rule
    never crosses a partnership boundary on its own.
    """
    invited = Child.objects.filter(discussions__invitations__professional=user.pk).values("pk")
    return Q(pk__in=invited)
