"""My work's headings count each queue only as far as ``COUNTED_UP_TO`` (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from convene.discussions import selectors

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
