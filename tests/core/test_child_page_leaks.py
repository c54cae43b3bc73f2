"""The child's page names only what its reader may see (issue 12, points 1 and 3).

"Who has looked at this record" lists a look at a referral, a discussion, an action...
only if the reader may see that record themselves (``access.visible_set``, the selectors'
answer as one query), and the siblings listed are only the children the reader may see.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from convene.audit.models import Action
from convene.audit.selectors import audit_looks_at
from convene.audit.services import audit_record
from convene.core.access import AccessAction, can
from convene.people.factories import ChildFactory
from convene.people.models import ChildLink
from tests.access_matrix import PERSONAS

pytestmark = pytest.mark.django_db


def _looked_at_everything(world: Any) -> Any:
    """hana (named on the restricted referral) looks at every kind of record about one child."""
    child = world.restricted_referral.children.first()
    hana = world.people["hana"]
    for obj in (
        world.restricted_referral,
        world.restricted_discussion,
        world.discussion,
        world.police_action,
        world.escalation,
    ):
        audit_record(actor=hana, action=Action.VIEW, obj=obj, child=child, summary="Viewed")
    return child


def _page(client: Any, world: Any, persona: str, child: Any) -> str:
    client.force_login(world.people[persona])
    response = client.get(reverse("allocation:looked", args=[child.pk]))
    assert response.status_code == 200, persona
    html: str = response.content.decode()
    return html[html.index("Who has looked at") :]


def test_a_manager_not_named_on_a_restricted_case_does_not_learn_of_it(client, world):
    child = _looked_at_everything(world)
    restricted = world.restricted_referral.reference
    restricted_discussion = world.restricted_discussion.reference
    named = _page(client, world, "hana", child)
    assert restricted in named
    assert restricted_discussion in named
    for persona in ("bob", "alice", "ivy", "admin"):
        table = _page(client, world, persona, child)
        assert restricted not in table, persona
        assert restricted_discussion not in table, persona
        assert world.discussion.reference in table, persona  # what they may see stays


def test_a_partner_sees_only_looks_at_what_they_may_see(client, world):
    child = _looked_at_everything(world)
    table = _page(client, world, "carol", child)  # police: invited to the restricted discussion
    assert world.restricted_referral.reference not in table  # referrals are 404 to partners
    assert "Referral " not in table
    assert world.restricted_discussion.reference in table  # carol is invited to it


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_look_listed_is_at_something_the_reader_may_view(world, persona):
    child = _looked_at_everything(world)
    user = world.people[persona]
    if not can(user=user, action=AccessAction.VIEW, obj=child):
        return
    from django.apps import apps

    for look in audit_looks_at(child=child, user=user, limit=100):
        entry = look.entry
        if not entry.object_type:
            continue
        obj = apps.get_model(entry.object_type)._default_manager.get(pk=entry.object_id)
        assert can(user=user, action=AccessAction.VIEW, obj=obj), (persona, look.what)


def test_siblings_the_reader_may_not_see_are_not_named(client, world):
    child = world.discussion.referral.children.first()  # carol (police) is invited
    unseen = ChildFactory(partnership=child.partnership, first_name="Wayne", last_name="Lowe")
    ChildLink.objects.create(from_child=child, to_child=unseen, kind=ChildLink.Kind.SIBLING)
    client.force_login(world.people["carol"])
    html = client.get(reverse("people:child-detail", args=[child.pk])).content.decode()
    assert "Wayne Lowe" not in html
    assert reverse("people:child-detail", args=[unseen.pk]) not in html
    client.force_login(world.people["alice"])  # social care sees the whole household
    assert (
        "Wayne Lowe" in client.get(reverse("people:child-detail", args=[child.pk])).content.decode()
    )
