"""Child search at scale (issue 15, docs/performance.md): what keeps it index-driven.

A word matches the start of a name (first, last, or any word of the other names), which
PostgreSQL answers from the trigram indexes of migration people/0003; the count stops at
the cap and carries no ORDER BY (sorting the whole caseload only to count it); the API's
search counts no further than the page's.
"""

from __future__ import annotations

import pytest
from django.db import connection

from convene.api.services import api_token_create
from convene.core import pagination
from convene.people import selectors
from convene.people.factories import ChildFactory
from tests.api.conftest import bearer
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_a_word_matches_the_start_of_any_name_not_the_middle(people, partnership):
    made = ChildFactory(
        partnership=partnership, first_name="Ann", last_name="Smith", other_names="Rose Mary"
    )
    for query in ("ann", "SMI", "rose", "mar", "ann mar"):
        found = selectors.children_search(user=people["bob"], query=query)
        assert list(found) == [made], query
    for query in ("nn", "mith", "ose", "ary", "e m"):
        assert not selectors.children_search(user=people["bob"], query=query).exists(), query


def test_the_capped_count_is_not_sorted(client, people, partnership):
    ChildFactory.create_batch(3, partnership=partnership, last_name="Smith")
    client.force_login(people["bob"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/", {"q": "smi"}).status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the page counts its matches"
    for sql in counts:
        if "people_child" in sql:
            assert "ORDER BY" not in sql.upper(), sql


def test_the_api_search_stops_counting_at_the_cap(client, people, partnership, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    ChildFactory.create_batch(8, partnership=partnership, last_name="Smith")
    raw = bearer(api_token_create(user=people["bob"], name="case system")[1])
    page = client.get("/api/children/?q=smi", headers=raw).json()
    assert (page["count"], page["more"], len(page["items"])) == (6, True, 6)
    small = client.get("/api/children/?q=nobody", headers=raw).json()
    assert (small["count"], small["more"], small["items"]) == (0, False, [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner only")
def test_postgresql_answers_a_name_prefix_from_the_trigram_index(people, partnership):
    ChildFactory.create_batch(20, partnership=partnership)
    found = selectors.children_search(user=people["bob"], query="smi")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = found.order_by().explain()
        cursor.execute("RESET enable_seqscan")
    assert "people_child_last_name_upper_trgm" in plan
