"""The permission layer: one place for who sees and changes what."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from convene.core import access
from convene.core.access import AccessAction, NoAccessRule, can, require_write
from convene.people.factories import ChildFactory
from convene.people.models import Partnership
from convene.people.selectors import children_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_child(partnership):
    return ChildFactory(partnership=partnership)


@pytest.fixture
def neighbour_child(neighbour):
    return ChildFactory(partnership=neighbour)


@contextmanager
def granted(grant) -> Iterator[None]:
    access.grants_children(grant)
    try:
        yield
    finally:
        access._child_grants.remove(grant)


CASELOAD = ["alice", "bob", "dina", "hana", "tom", "ivy", "admin"]
PARTNERS = ["carol", "dev", "priya", "mia", "hal", "erin", "fay", "nia", "ursula"]


@pytest.mark.parametrize("username", CASELOAD)
def test_social_care_managers_admins_and_auditors_see_their_partnerships_children(
    people, home_child, neighbour_child, username
):
    visible = set(children_visible_to(user=people[username]))
    assert visible == {home_child}


@pytest.mark.parametrize("username", [*PARTNERS, "lee"])
def test_partners_see_no_child_they_are_not_invited_to(
    people, home_child, neighbour_child, username
):
    assert not children_visible_to(user=people[username]).exists()


def test_the_neighbouring_partnerships_social_worker_sees_only_theirs(
    people, home_child, neighbour_child
):
    assert set(children_visible_to(user=people["nick"])) == {neighbour_child}


def test_an_inactive_person_sees_nothing(people, home_child):
    alice = people["alice"]
    alice.is_active = False
    alice.save()
    assert not children_visible_to(user=alice).exists()
    assert not can(user=alice, action=AccessAction.VIEW, obj=home_child)


def test_a_registered_grant_lets_a_partner_see_exactly_those_children(
    people, home_child, neighbour_child
):
    carol = people["carol"]
    with granted(
        lambda user, *, per_row=False, alone=True: (
            Q(pk__in=[home_child.pk]) if user.username == "carol" else Q(pk__in=[])
        )
    ):
        assert set(children_visible_to(user=carol)) == {home_child}
        assert set(children_visible_to(user=people["dev"])) == set()
        # Grants add to the caseload, they never narrow it.
        assert set(children_visible_to(user=people["alice"])) == {home_child}
        assert can(user=carol, action=AccessAction.VIEW, obj=home_child)
        assert not can(user=carol, action=AccessAction.CHANGE, obj=home_child)
    assert not children_visible_to(user=carol).exists()


def test_grants_are_registered_once(people):
    def grant(user):
        return Q(pk__in=[])

    with granted(grant):
        access.grants_children(grant)
        assert access._child_grants.count(grant) == 1


def test_can_view_follows_the_selector(people, home_child, neighbour_child):
    assert can(user=people["alice"], action=AccessAction.VIEW, obj=home_child)
    assert not can(user=people["alice"], action=AccessAction.VIEW, obj=neighbour_child)
    assert can(user=people["nick"], action=AccessAction.VIEW, obj=neighbour_child)
    assert not can(user=people["carol"], action=AccessAction.VIEW, obj=home_child)


def test_auditors_read_but_never_write(people, home_child):
    ivy = people["ivy"]
    assert can(user=ivy, action=AccessAction.VIEW, obj=home_child)
    assert can(user=ivy, action=AccessAction.EXPORT, obj=home_child)
    for action in access.WRITES:
        assert not can(user=ivy, action=action, obj=home_child)
    with pytest.raises(PermissionDenied, match="Auditors can read records but cannot change"):
        require_write(user=ivy)


def test_an_auditor_who_also_holds_a_social_work_role_still_cannot_write(people, home_child):
    from convene.people.models import RoleGrant

    RoleGrant.objects.create(professional=people["ivy"], role="social_worker")
    ivy = type(people["ivy"]).objects.get(pk=people["ivy"].pk)
    with pytest.raises(PermissionDenied):
        require_write(user=ivy)


@pytest.mark.parametrize("username", ["alice", "bob", "tom", "hana", "carol"])
def test_require_write_lets_everyone_else_through(people, username):
    require_write(user=people[username])


def test_require_write_refuses_an_inactive_account(people):
    bob = people["bob"]
    bob.is_active = False
    with pytest.raises(PermissionDenied):
        require_write(user=bob)


def test_a_record_with_no_rule_is_refused_loudly(people, partnership):
    with pytest.raises(NoAccessRule, match="No access rule for Partnership"):
        can(user=people["alice"], action=AccessAction.VIEW, obj=partnership)
    assert isinstance(partnership, Partnership)
