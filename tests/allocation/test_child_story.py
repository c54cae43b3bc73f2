"""The child's chronology, who has looked (collapsed, paginated), and search by reference."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from convene.allocation import references
from convene.followup.chronology import chronology
from convene.people.factories import ChildFactory
from convene.referrals.services import referral_accept
from tests.convening import NOW, make_referral
from tests.followup.conftest import outcome
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_chronology_tells_the_story_newest_first_and_only_what_the_reader_may_see(
    client, people, enquiry
):
    started = enquiry(visited=True)
    child = started.child
    entries = chronology(child=child, user=people["alice"])
    kinds = {e.kind for e in entries}
    assert {"referral", "triage", "discussion", "decision", "s47"} <= kinds
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert all(e.url for e in entries)
    # carol (police, invited) sees the discussion and S47, never the referral or its triage.
    carols = {e.kind for e in chronology(child=child, user=people["carol"])}
    assert "discussion" in carols
    assert not carols & {"referral", "triage"}
    # Filtered by kind, on the page too.
    assert {e.kind for e in chronology(child=child, user=people["alice"], kind="s47")} == {"s47"}
    client.force_login(people["alice"])
    page = client.get(
        reverse("people:child-detail", args=[child.pk]), {"kind": "s47"}
    ).content.decode()
    assert f"S47 enquiry {started.reference} started" in page
    assert "Triage of" not in page
    # Not in care: no HRPM is offered, as it could not be started (one for a child in care is,
    # tests/followup/test_followup_pages_s47.py).
    assert reverse("followup:hrpm-new", args=[child.pk]) not in page


def test_chronology_query_count_is_constant_as_the_case_grows(people, partnership, agencies):
    child = ChildFactory(partnership=partnership, setting=agencies["primary"])

    def referrals(n):
        for _ in range(n):
            referral = make_referral(
                people=people, partnership=partnership, agencies=agencies, children=[child]
            )
            referral_accept(
                referral=referral, by=people["bob"], now=NOW, expected_version=referral.version
            )

    referrals(1)
    chronology(child=child, user=people["alice"])  # warm the content-type cache
    with CaptureQueriesContext(connection) as small:
        one = chronology(child=child, user=people["alice"])
    referrals(6)
    with CaptureQueriesContext(connection) as large:
        seven = chronology(child=child, user=people["alice"])
    assert len(seven) > len(one)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_who_has_looked_collapses_repeats_and_hides_the_child_from_strangers(
    client, people, partnership, agencies
):
    child = ChildFactory(partnership=partnership, setting=agencies["primary"])
    client.force_login(people["alice"])
    for _ in range(3):
        client.get(reverse("people:child-detail", args=[child.pk]))
    client.force_login(people["bob"])
    client.get(reverse("people:child-detail", args=[child.pk]))
    page = client.get(reverse("allocation:looked", args=[child.pk])).content.decode()
    rows = page[page.index("<tbody") :]
    assert rows.count("<tr") == 2  # alice's three looks are one row; bob's one
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in rows
    client.force_login(people["carol"])  # not invited to anything about this child
    assert client.get(reverse("allocation:looked", args=[child.pk])).status_code == 404


def test_who_has_looked_is_paginated(client, people, partnership, agencies, monkeypatch):
    """One page at a time (two looks, a page of one here), with a link to the next."""
    monkeypatch.setattr("convene.allocation.child_pages.PAGE_SIZE", 1)
    child = ChildFactory(partnership=partnership, setting=agencies["primary"])
    for who in ("alice", "bob"):
        client.force_login(people[who])
        client.get(reverse("people:child-detail", args=[child.pk]))
    url = reverse("allocation:looked", args=[child.pk])
    first, second = (client.get(url, {"page": n}).content.decode() for n in (1, 2))
    rows = [page[page.index("<tbody") : page.index("</tbody>")] for page in (first, second)]
    assert [r.count("<tr") for r in rows] == [1, 1]
    assert sorted("Alice Ashworth" in r for r in rows) == [False, True]
    assert 'rel="next"' in first
    assert 'rel="prev"' in second


def test_reference_parsing():
    assert str(references.parse("r7")) == "R000007"
    assert str(references.parse(" D 000012 ")) == "D000012"
    assert str(references.parse("s-3")) == "S000003"
    assert references.parse("C0") is None
    assert references.parse("Smith") is None
    assert references.parse("R" + "9" * 30) is None


def test_search_by_reference_finds_only_what_the_reader_may_see(
    client, people, partnership, agencies
):
    referral = make_referral(people=people, partnership=partnership, agencies=agencies)
    client.force_login(people["bob"])
    found = client.get(reverse("people:home"), {"q": referral.reference.lower()})
    assert found.status_code == 302
    assert found["Location"] == referral.get_absolute_url()
    # A partner never sees referrals: the same answer as for one that does not exist.
    client.force_login(people["carol"])
    hidden = client.get(reverse("people:home"), {"q": referral.reference})
    missing = client.get(reverse("people:home"), {"q": "R999999"})
    assert hidden.status_code == missing.status_code == 200
    assert _tokenless(hidden).replace(referral.reference, "R999999") == _tokenless(missing)


def _tokenless(response):
    """The page without its one-time tokens (they differ on every page)."""
    return re.sub(r'(name="[a-z_]+") value="[^"]*"', r"\1", response.content.decode())


def test_search_by_a_discussion_s47_or_conference_reference_opens_it(client, people, enquiry):
    """D…, S… and C… as well as R…: each reference goes straight to its page."""
    started = enquiry(visited=True)
    done = outcome(started, people, "significant_harm")
    client.force_login(people["bob"])
    for reference, page in (
        (done.discussion.reference, done.discussion.get_absolute_url()),
        (done.reference, reverse("followup:s47", args=[done.pk])),
        (done.icpc.reference, reverse("followup:icpc", args=[done.icpc_id])),
    ):
        found = client.get(reverse("people:home"), {"q": reference})
        assert (found.status_code, found["Location"]) == (302, page), reference
