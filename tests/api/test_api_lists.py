"""API lists at any size (issue 15): newest first, a cursor and a maximum page size, and
the same number of queries for 1 row as for many."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.api.conftest import bearer
from tests.convening import accepted_referral, scheduled_discussion
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _discussion(people, partnership, agencies):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    return scheduled_discussion(referral=referral, people=people)


def _queries(client, path: str, token: str) -> int:
    client.get(path, headers=bearer(token))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, headers=bearer(token)).status_code == 200
    return len(captured.captured_queries)


# The list's queries for a token's request (issue 15): the token and its user, the
# audit entry, need-to-know, the page, its invitations, their roles, its children and
# its reconvene links. A partner asks fewer (no partnership lookup for referrals), but
# whether they are invited often (``invited_often``: their own discussions are gathered
# first unless they are). PostgreSQL counts one more of each (measured: 14 and 13).
DISCUSSION_LIST_QUERIES = {"bob": 13, "carol": 12}


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_R001_8_the_discussion_list_costs_the_same_for_1_or_6(
    client, people, partnership, agencies, tokens, who
):
    _discussion(people, partnership, agencies)
    one = _queries(client, "/api/discussions/", tokens[who])
    assert one <= DISCUSSION_LIST_QUERIES[who] + (connection.vendor == "postgresql")
    for _ in range(5):
        _discussion(people, partnership, agencies)
    assert len(client.get("/api/discussions/", headers=bearer(tokens[who])).json()) == 6
    assert _queries(client, "/api/discussions/", tokens[who]) == one


def test_R001_8_discussions_are_listed_newest_first_a_page_at_a_time(
    client, people, partnership, agencies, tokens
):
    made = [_discussion(people, partnership, agencies).pk for _ in range(3)]
    token = bearer(tokens["bob"])
    first = client.get("/api/discussions/?limit=2", headers=token)
    assert [d["id"] for d in first.json()] == [made[2], made[1]]
    assert first["Link"] == f'</api/discussions/?limit=2&before={made[1]}>; rel="next"'
    second = client.get(f"/api/discussions/?limit=2&before={made[1]}", headers=token)
    assert [d["id"] for d in second.json()] == [made[0]]
    assert "Link" not in second
    # The page size has a maximum; a bad cursor is a clear 422, never a 500.
    assert client.get("/api/discussions/?limit=201", headers=token).status_code == 422
    assert client.get("/api/discussions/?before=x", headers=token).status_code == 422


def test_R001_8_referrals_are_listed_newest_first_a_page_at_a_time(
    client, people, partnership, agencies, tokens
):
    made = [
        accepted_referral(people=people, partnership=partnership, agencies=agencies).pk
        for _ in range(3)
    ]
    token = bearer(tokens["bob"])
    one = _queries(client, "/api/referrals/?limit=1", tokens["bob"])
    assert _queries(client, "/api/referrals/?limit=3", tokens["bob"]) == one
    first = client.get("/api/referrals/?limit=2", headers=token)
    assert [r["id"] for r in first.json()] == [made[2], made[1]]
    assert first["Link"] == f'</api/referrals/?limit=2&before={made[1]}>; rel="next"'
    second = client.get(f"/api/referrals/?limit=2&before={made[1]}", headers=token)
    assert [r["id"] for r in second.json()] == [made[0]]
    assert "Link" not in second
    assert client.get("/api/referrals/?limit=501", headers=token).status_code == 422


def test_the_discussion_list_never_reads_a_referrals_policy_explanation(
    client, people, partnership, agencies, tokens
):
    """Issue 15: the explanation is tens of KB of JSON per referral; a list never shows it,
    and parsing it for a page of discussions took most of the request."""
    _discussion(people, partnership, agencies)
    client.get("/api/discussions/", headers=bearer(tokens["bob"]))
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/discussions/", headers=bearer(tokens["bob"])).status_code == 200
    assert not [q for q in captured.captured_queries if '"explanation"' in q["sql"]]
