"""My work a page at a time (issue 15: every list is paginated): the most urgent rows first,
the rest on the next pages in the same order, the team view kept from page to page."""

from __future__ import annotations

import re
from html import escape

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from convene.allocation import views
from convene.allocation.work import work_for
from convene.people.models import Professional
from tests.allocation.test_my_work_names import NAMING
from tests.columns_read import columns_read
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _links(page: str) -> list[str]:
    """The rows' links, in the order shown."""
    table = page.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a class="govuk-link" href="([^"]+)">', table)


@pytest.mark.parametrize("team", [False, True], ids=["mine", "team"])
def test_my_work_shows_a_page_of_rows_and_the_rest_on_the_next(client, monkeypatch, team):
    call_command("demo", children=30, history=0)
    bob = Professional.objects.get(username="bob")
    every = [row.url for row in work_for(user=bob, now=timezone.now(), team=team)]
    assert len(every) > 2
    monkeypatch.setattr(views, "WORK_PAGE_SIZE", 2)
    client.force_login(bob)
    query = {"show": "team"} if team else {}
    first = client.get(reverse("allocation:my-work"), query).content.decode()
    assert _links(first) == every[:2]
    # The next page's link keeps the team view (a manager paging their team's list).
    expected = "?show=team&amp;page=2" if team else "?page=2"
    assert f'href="{expected}" rel="next"' in first
    assert "Page 1 of" in first
    second = client.get(reverse("allocation:my-work"), {**query, "page": "2"}).content.decode()
    assert _links(second) == every[2:4]
    # A page past the end, or no number, shows the last or the first: never an error.
    assert client.get(reverse("allocation:my-work"), {**query, "page": "999"}).status_code == 200
    assert (
        _links(client.get(reverse("allocation:my-work"), {"page": "x", **query}).content.decode())
        == every[:2]
    )


def test_a_page_names_only_its_own_rows_children(client, monkeypatch):
    """Naming the children of every row a manager's team has (hundreds at a million
    discussions) was work for pages never shown: only the page's rows are named, as
    ``work_for`` names them."""
    call_command("demo", children=30, history=0)
    bob = Professional.objects.get(username="bob")
    every = work_for(user=bob, now=timezone.now())
    assert len(every) > 2
    assert every[0].child
    monkeypatch.setattr(views, "WORK_PAGE_SIZE", 2)
    client.force_login(bob)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("allocation:my-work")).content.decode()
    named = [
        re.search(re.escape(link) + r"([^)]*)\)", q["sql"])
        for q in captured.captured_queries
        for link in NAMING
        if link in q["sql"]
    ]
    keys = [key for found in named if found for key in found.group(1).split(",")]
    assert 1 <= len(keys) <= 2, keys
    for row in every[:2]:
        assert escape(row.child) in page, row


def test_my_work_reads_only_the_columns_its_rows_show(client):
    """A row shows a referral's or a discussion's reference (and a discussion's kind and
    start): a referral's account, triage conversation and policy explanation, or a meeting's
    venue, are never read for it (issue 15: they were most of the page's CPU at scale)."""
    call_command("demo", children=30, history=0)
    client.force_login(Professional.objects.get(username="bob"))
    client.get(reverse("allocation:my-work"))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("allocation:my-work"), {"show": "team"}).content.decode()
    assert "Triage referral" in page
    assert "Convene a strategy discussion" in page
    assert not columns_read(
        captured,
        '"referrals_referral"."account"',
        '"referrals_referral"."triage_conversation"',
        '"referrals_referral"."explanation"',
        '"discussions_discussion"."venue"',
    )
