"""A name searched for on the children's list (home ``?q=``, ``/api/children/?q=``), issue 15.

The matches of a name prefix bunch where their last name sorts, so a walk of the name
index in the list's order met ``sm`` only after 234,702 other children (338 ms at
1,000,000 discussions): the list sorts the matches the trigram indexes give instead, by
``last_name || ''`` (the same order, which no index gives). These pin that the rows, their
order and the pages are the ones ``children_search`` gives in name order, for every
persona, on the page and through the API alike (partners, invited, in
tests/core/test_children_list_at_scale.py's matrix world).
"""

from __future__ import annotations

import pytest
from django.db import connection

from convene.api.services import api_token_create
from convene.people import selectors
from convene.people.factories import ChildFactory
from tests.api.conftest import bearer
from tests.plans import plan_without

pytestmark = pytest.mark.django_db

SURNAMES = ("Smith", "smart", "SMALL", "Jones", "Adams", "Smyth", "Brown")


@pytest.fixture
def named(partnership, neighbour, people):
    made = [
        ChildFactory(partnership=partnership, last_name=last, first_name=first)
        for last in SURNAMES
        for first in ("Sam", "Ann", "smita", "Zoe", "Ben", "Amy")
    ]
    made.append(ChildFactory(partnership=neighbour, last_name="Smith", first_name="Nia"))
    return made


def _order(children):
    return [c.pk for c in sorted(children, key=lambda c: (c.last_name, c.first_name, c.pk))]


@pytest.mark.parametrize("query", ["sm", "SM", "s", "sa", "smith sam", "s ann", "ann", "zz"])
def test_a_name_search_lists_the_search_in_name_order_for_everyone(people, named, query):
    for person in people.values():
        listed = [c.pk for c in selectors.children_listed(user=person, query=query)]
        assert listed == _order(selectors.children_search(user=person, query=query)), (
            person.username
        )


def test_a_name_search_is_sorted_not_walked(people, named):
    sql = str(selectors.children_listed(user=people["alice"], query="sm").query)
    order = sql.rsplit("ORDER BY", 1)[1]
    assert "||" in order, order  # last_name || '': the same order, no index walks it
    # The list itself walks the name index, and so does a single letter (met at once on
    # the walk, and too many to sort), a date, an NHS number.
    for query in ("", "s", "27/03/2015", "999 000 0018"):
        plain = str(selectors.children_listed(user=people["alice"], query=query).query)
        assert "||" not in plain.rsplit("ORDER BY", 1)[1], (query, plain)


def test_the_api_pages_as_the_home_page_does(client, people, named):
    alice = people["alice"]
    raw = bearer(api_token_create(user=alice, name="case system")[1])
    expected = _order(selectors.children_search(user=alice, query="sm"))
    assert len(expected) > 25  # two pages
    got = []
    for page in (1, 2):
        body = client.get("/api/children/", {"q": "sm", "page": page}, headers=raw).json()
        assert body["count"] == len(expected)
        got += [item["id"] for item in body["items"]]
    assert got == expected
    client.force_login(alice)
    shown = []
    for page in (1, 2):
        response = client.get("/", {"q": "sm", "page": page})
        shown += [c.pk for c in response.context["page"].object_list]
    assert shown == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
def test_postgresql_sorts_the_matches_of_a_name(people, named):
    page = selectors.children_listed(user=people["alice"], query="sm")[:25]
    plan = plan_without(page, "seqscan")
    # Whatever reads the matches (the trigram or partnership indexes), they are sorted.
    assert "people_child_name_order" not in plan, plan
    assert "Sort Key" in plan, plan
