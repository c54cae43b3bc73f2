"""My work's headings count each queue only as far as ``COUNTED_UP_TO`` (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from convene.discussions import selectors
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _page(client) -> str:
    return client.get("/my-work/").content.decode()


def _referral_counts(captured) -> list[str]:
    """The queues' counts (the page's other counts, e.g. the notices badge, are not these)."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].upper().startswith("SELECT COUNT(") and '"referrals_referral"' in q["sql"]
    ]


def test_a_long_queue_is_counted_no_further_than_the_cap(client, people, referral_for, monkeypatch):
    # Two rows shown, counted up to three: four waiting is "more than 3".
    monkeypatch.setattr(selectors, "WORK_LIST_LIMIT", 2)
    monkeypatch.setattr(selectors, "COUNTED_UP_TO", 3)
    now = timezone.now()
    for _ in range(3):
        referral_for(now=now, received_at=now - timedelta(hours=1))
    client.force_login(people["bob"])
    assert "Concerns awaiting triage (3)" in _page(client)
    referral_for(now=now, received_at=now - timedelta(hours=1))
    with CaptureQueriesContext(connection) as captured:
        html = _page(client)
    assert "Concerns awaiting triage (more than 3)" in html
    # The count is bounded in SQL, never a count of the whole queue.
    (count,) = _referral_counts(captured)
    assert "LIMIT 4" in count


def test_a_short_queue_is_not_counted_in_the_database(client, people, referral_for):
    now = timezone.now()
    referral_for(now=now, received_at=now - timedelta(hours=1))
    client.force_login(people["bob"])
    with CaptureQueriesContext(connection) as captured:
        html = _page(client)
    assert "Concerns awaiting triage (1)" in html
    assert not _referral_counts(captured)


def _references(html: str, heading_id: str) -> list[str]:
    """The referral references listed in one queue's table, in the order shown."""
    import re

    table = html.split(f'aria-labelledby="{heading_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r">(SR-[^<]+)</a>", table) or re.findall(r'href="/referrals/(\d+)/"', table)


def test_each_queue_shows_a_page_and_the_rest_on_its_own_next_pages(
    client, people, referral_for, monkeypatch
):
    """A queue longer than a page is paged by its own parameter, most urgent first, and
    its links keep the other queues' pages; a page number out of range is never an error."""
    monkeypatch.setattr(selectors, "WORK_LIST_LIMIT", 2)
    now = timezone.now()
    for hours in range(5):
        referral_for(now=now, received_at=now - timedelta(hours=hours + 1))
    client.force_login(people["bob"])
    every = _references(
        client.get("/my-work/", {"triage_page": "1"}).content.decode(), "awaiting-triage"
    )
    first = _page(client)
    assert "Concerns awaiting triage (5)" in first
    assert _references(first, "awaiting-triage") == every
    assert len(every) == 2
    assert 'href="?triage_page=2" rel="next"' in first
    second = client.get("/my-work/", {"triage_page": "2", "upcoming_page": "3"}).content.decode()
    shown = _references(second, "awaiting-triage")
    assert len(shown) == 2
    assert not set(shown) & set(every)
    # The next link of this queue keeps the other queue's page.
    assert 'href="?upcoming_page=3&amp;triage_page=3" rel="next"' in second
    last = client.get("/my-work/", {"triage_page": "3"}).content.decode()
    assert len(_references(last, "awaiting-triage")) == 1
    for wrong in ("999", "0", "x", "-1"):
        assert client.get("/my-work/", {"triage_page": wrong}).status_code == 200
    assert (
        len(
            _references(
                client.get("/my-work/", {"triage_page": "999"}).content.decode(), "awaiting-triage"
            )
        )
        == 1
    )
