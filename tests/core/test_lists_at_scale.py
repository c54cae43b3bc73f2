"""The referrals list and the API's discussion list at scale (issue 15): the same rules,
expressed so that PostgreSQL walks an index in the list's order and stops at the page.

- ``referrals_visible_to`` names the person's partnerships as values
  (``partnership_ids_of``), not ``IN (SELECT ...)``, which hid that it is one
  partnership and made every referral of it fetched and sorted for a page of 25.
- ``discussions_visible_to(per_row=True)`` asks the caseload's conditions of each row
  walked, never as hashed sets of the whole caseload built first.

These pin that the rows are the same ones, for every person of the matrix world.
"""

from __future__ import annotations

import re

import pytest
from django.db.models import QuerySet

from convene.discussions.models import Invitation
from convene.discussions.selectors import discussions_visible_to
from convene.people.models import Agency
from convene.people.selectors import partnership_ids_of, partnerships_of
from convene.referrals.selectors import referrals_visible_to
from tests.access_matrix import World

# pytest-django sets up only the databases that the collected tests ask for: without the
# mark, this module run alone had no tables for the module's world.
pytestmark = pytest.mark.django_db


def _ids(rows: QuerySet) -> set[int]:
    return set(rows.values_list("pk", flat=True))


def test_partnership_ids_are_read_once_per_person_and_follow_their_agency(
    world: World, django_assert_num_queries
):
    bob = type(world.people["bob"]).objects.get(pk=world.people["bob"].pk)
    expected = sorted(partnerships_of(user=bob).values_list("pk", flat=True))
    assert expected
    with django_assert_num_queries(1):
        assert partnership_ids_of(user=bob) == expected
    with django_assert_num_queries(0):  # kept on the person for the request
        assert partnership_ids_of(user=bob) == expected
    # Another agency (a changed person, in a test or a long-lived object): read again.
    other = Agency.objects.exclude(pk=bob.agency_id).exclude(partnerships=None).first()
    bob.agency_id = other.pk
    assert partnership_ids_of(user=bob) == sorted(other.partnerships.values_list("pk", flat=True))
    bob.agency_id = None
    assert partnership_ids_of(user=bob) == []
    assert not referrals_visible_to(user=bob).exists()


def test_referrals_visible_name_the_partnerships_as_values(world: World):
    for name in ("alice", "bob", "ivy", "hana"):
        sql = str(referrals_visible_to(user=world.people[name]).query)
        assert "people_partnership" not in sql, sql
        assert "IN (SELECT" not in sql, sql


def test_discussions_walked_per_row_are_the_same_as_the_set_based_rule(world: World):
    """Every person of the world, with a caseload person invited to a restricted case
    they are not named on (seen through the invitation alone) and a partner too."""
    bob, carol = world.people["bob"], world.people["carol"]
    assert world.restricted_discussion.pk not in _ids(discussions_visible_to(user=bob))
    Invitation.objects.create(discussion=world.restricted_discussion, professional=bob)
    checked = 0
    for person in world.people.values():
        person = type(person).objects.get(pk=person.pk)  # nothing kept from another case
        walked = discussions_visible_to(user=person, per_row=True)
        assert _ids(walked) == _ids(discussions_visible_to(user=person)), person.username
        checked += bool(_ids(walked))
    assert checked >= 5
    seen = _ids(discussions_visible_to(user=bob, per_row=True))
    assert world.restricted_discussion.pk in seen  # invited, so seen
    assert world.neighbour_discussion.pk not in seen  # another partnership's
    assert world.neighbour_discussion.pk in _ids(discussions_visible_to(user=carol, per_row=True))


def test_the_walked_rule_cannot_be_hashed_into_whole_caseload_sets(world: World):
    sql = str(discussions_visible_to(user=world.people["bob"], per_row=True).query)
    # The referral and the invitation are each also matched by ``>=`` on the outer row. The
    # referral's alias is Django's, or a frozen probe's own (``NK<n>_<i>``, core.frozen_rows).
    referral = r'(?:"referrals_referral"|V0|NK\d+_\d+)\."id" >= \("discussions_discussion"'
    assert re.search(referral, sql), sql
    assert '"discussion_id" >=' in sql, sql


def test_a_partner_lists_their_own_discussions_gathered_unless_invited_often(
    world: World, monkeypatch
):
    """A partner's API list starts from their own discussions' keys (invited or chair, one
    ``UNION``): walked, a nurse invited to 174 of a million discussions read 309,603 for a
    page. Invited often (a police officer's 5,023), the walk finds a page soon, where reading
    every one of theirs first took longer: then it walks. The same rows either way."""
    from convene.discussions import selectors as discussion_selectors

    carol = type(world.people["carol"]).objects.get(pk=world.people["carol"].pk)
    expected = _ids(discussions_visible_to(user=carol))
    assert expected
    gathered = discussions_visible_to(user=carol, per_row=True)
    assert "UNION" in str(gathered.query), gathered.query
    assert "EXISTS" not in str(gathered.query), gathered.query
    assert _ids(gathered) == expected
    monkeypatch.setattr(discussion_selectors, "INVITED_OFTEN", 1)
    often = type(carol).objects.get(pk=carol.pk)  # a new request's person object
    walked = discussions_visible_to(user=often, per_row=True)
    assert "EXISTS" in str(walked.query), walked.query
    assert _ids(walked) == expected


@pytest.mark.parametrize("per_row", [True, False])
def test_the_rule_tests_the_discussions_own_partnership_before_its_referral(
    world: World, per_row: bool
):
    """A column before a probe: a Northvale social worker's walk of a million discussions,
    0.2% of them Northvale's, probed 23,307 referrals for a page (77 → 48 ms); a team
    manager's meetings to hold, 3,061 of 4,606 of another partnership's. The rows are the
    same (``test_discussions_walked_per_row_are_the_same_as_the_set_based_rule``)."""
    nick = world.people["nick"]
    sql = str(discussions_visible_to(user=nick, per_row=per_row).query)
    ids = ", ".join(map(str, partnership_ids_of(user=nick)))
    column = f'"discussions_discussion"."partnership_id" IN ({ids})'
    assert column in sql, sql
    assert sql.index(column) < sql.index('"referrals_referral"'), sql
