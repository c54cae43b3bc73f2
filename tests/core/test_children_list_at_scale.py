"""The children's list at scale (issue 15): ``children_listed`` is ``children_visible_to``
in name order, written so that PostgreSQL walks ``people_child_name_order`` and stops at
the page. The caseload is its partnership ids as values; the invitation rule of someone
invited often is asked of each row walked (it cannot be hashed into the set of every
child they were ever invited to see); someone invited rarely keeps the gathered set.

These pin that the rows are the same for every person of the matrix world, either way,
and the shape of the SQL and of the plan."""

from __future__ import annotations

import pytest
from django.db import connection

from convene.discussions import selectors as discussion_selectors
from convene.discussions.models import Invitation
from convene.people.selectors import children_listed, children_search, children_visible_to
from tests.access_matrix import World
from tests.plans import plan_without

pytestmark = pytest.mark.django_db


def _fresh(person):
    return type(person).objects.get(pk=person.pk)  # nothing kept from another case


@pytest.mark.parametrize("often", [1, 10_000], ids=["invited-often", "invited-rarely"])
def test_the_list_shows_exactly_the_children_each_person_may_see(world: World, monkeypatch, often):
    monkeypatch.setattr(discussion_selectors, "INVITED_OFTEN", often)
    bob = world.people["bob"]
    # A caseload person invited to a case outside their partnership sees its child too.
    Invitation.objects.create(discussion=world.neighbour_discussion, professional=bob)
    seen_somewhere = 0
    word = world.home_child.last_name[:2]
    for person in world.people.values():
        person = _fresh(person)
        listed = list(children_listed(user=person).values_list("pk", flat=True))
        expected = set(children_visible_to(user=person).values_list("pk", flat=True))
        assert len(listed) == len(set(listed)), person.username  # no child twice
        assert set(listed) == expected, person.username
        seen_somewhere += bool(listed)
        # A name searched for: the search's rows, in the list's order.
        searched = list(children_listed(user=person, query=word))
        assert [c.pk for c in searched] == [
            c.pk
            for c in sorted(
                children_search(user=person, query=word),
                key=lambda c: (c.last_name, c.first_name, c.pk),
            )
        ], person.username
    assert seen_somewhere >= 5
    assert world.neighbour_child.pk in set(
        children_listed(user=_fresh(bob)).values_list("pk", flat=True)
    )


def test_the_list_is_in_name_order_and_searches_as_the_search_does(world: World):
    alice = _fresh(world.people["alice"])
    rows = list(children_listed(user=alice))
    assert [(c.last_name, c.first_name, c.pk) for c in rows] == sorted(
        (c.last_name, c.first_name, c.pk) for c in rows
    )
    word = rows[0].last_name[:2]
    searched = {c.pk for c in children_listed(user=alice, query=word)}
    assert rows[0].pk in searched
    assert searched == {c.pk for c in children_search(user=alice, query=word)}


def test_an_inactive_person_lists_nobody(world: World):
    alice = _fresh(world.people["alice"])
    alice.is_active = False
    assert not children_listed(user=alice).exists()


def test_the_sql_walks_per_row_for_a_caseload_person_invited_often(world: World, monkeypatch):
    monkeypatch.setattr(discussion_selectors, "INVITED_OFTEN", 1)
    bob = _fresh(world.people["bob"])
    assert Invitation.objects.filter(professional=bob).exists()
    sql = str(children_listed(user=bob).query)
    # The second link to the outer row: PostgreSQL cannot hash it into a set built first.
    assert '"child_id" >=' in sql, sql
    assert "people_partnership" not in sql.split("WHERE", 1)[1], sql  # ids, not IN (SELECT)


# How a gathered set is written: PostgreSQL reads it whole first as an init plan.
_GATHERED = {"postgresql": "= ANY(ARRAY(SELECT", "sqlite": "IN (SELECT"}
# A partner's children read first, as ids: an array, or a JSON list.
_READ = {"postgresql": "= ANY(", "sqlite": "json_each("}


@pytest.mark.parametrize("often", [1, 10_000], ids=["invited-often", "invited-rarely"])
def test_a_partners_children_are_gathered_first_however_often_invited(
    world: World, monkeypatch, often
):
    """A partner's children are a sliver of the children (a police officer's 4,788 of
    300,000): walked in name order, the page read nearly every child (0.7-2.5 s at
    1,000,000 discussions); gathered, they drive the page and its count."""
    monkeypatch.setattr(discussion_selectors, "INVITED_OFTEN", often)
    for name in ("carol", "erin"):  # invited (dev is not: no child, and no SQL at all)
        where = str(children_listed(user=_fresh(world.people[name])).query).split("WHERE", 1)[1]
        assert '"child_id" >=' not in where, where
        assert "EXISTS" not in where, where  # not asked of every child of the partnership
        # One set, read once (not again for the count): no subquery of invitations.
        assert "discussions_" not in where, where
        assert _READ[connection.vendor] in where, where


def test_a_caseload_person_invited_rarely_gathers_the_children_outside_it(
    world: World, monkeypatch
):
    """ORed with a caseload, the few invitations' children are a set too: PostgreSQL joins
    a small partnership's children (by its index) with them, not walking every child."""
    monkeypatch.setattr(discussion_selectors, "INVITED_OFTEN", 10_000)
    where = str(children_listed(user=_fresh(world.people["nick"])).query).split("WHERE", 1)[1]
    assert "EXISTS" not in where, where
    assert '"partnership_id" IN (' in where, where
    assert _GATHERED[connection.vendor] in where, where


def test_a_partner_reads_their_children_once(world: World, django_assert_num_queries):
    carol = _fresh(world.people["carol"])
    carol.role_set  # noqa: B018 - roles and agency read as the signed-in request has them
    _ = carol.agency
    with django_assert_num_queries(2):  # their children's ids (no invitation count), the page
        list(children_listed(user=carol)[:25])


def test_the_list_costs_a_constant_number_of_queries(world: World, django_assert_num_queries):
    bob = _fresh(world.people["bob"])
    bob.role_set  # noqa: B018 - roles and agency read as the signed-in request has them
    _ = bob.agency
    # The invitation count (is bob invited often?), the partnership ids, the page.
    with django_assert_num_queries(3):
        list(children_listed(user=bob)[:25])


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL plans")
def test_the_page_walks_the_name_index_without_sorting(world: World, monkeypatch):
    monkeypatch.setattr(discussion_selectors, "INVITED_OFTEN", 1)
    page = children_listed(user=_fresh(world.people["bob"]))[:25]
    plan = plan_without(page, "seqscan", "sort")
    assert "people_child_name_order" in plan, plan
    assert "Sort Key" not in plan, plan
    # Nothing gathered whole before the walk: no hashed set of the invitations.
    assert "Hash" not in plan, plan
