"""The escalations list: newest first, a keyset page at a time, the same queries per page
however many there are (issue 15; R004.8)."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection

from convene.clocks.models import Escalation
from convene.clocks.sweep import sweep_run
from convene.workdays import LONDON, end_of_day
from tests.clocks.helpers import make_clock
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
FRIDAY_END = end_of_day(date(2026, 12, 4))


def _escalate(partnership, count: int, at: datetime) -> None:
    for _ in range(count):
        make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END)
    sweep_run(now=at, send=False)


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_list_pages_newest_first_with_constant_queries(client, partnership, people):
    client.force_login(people["bob"])
    _escalate(partnership, 3, FRIDAY_END + timedelta(seconds=1))
    client.get("/escalations/")  # the first request warms caches (content types, session)
    small, page = _queries(client, "/escalations/")
    assert "Open: 3 escalations" in page
    assert "before=" not in page  # one page: no "Older" link

    _escalate(partnership, 27, FRIDAY_END + timedelta(seconds=2))
    large, page = _queries(client, "/escalations/")
    assert large == small
    assert "Open: 30 escalations" in page
    newest = list(Escalation.objects.order_by("-raised_at", "-pk").values_list("pk", flat=True))
    assert f'href="/escalations/{newest[0]}/"' in page
    assert f'href="/escalations/{newest[25]}/"' not in page
    assert f"before={newest[24]}" in page

    _, older = _queries(client, f"/escalations/?state=open&before={newest[24]}")
    assert f'href="/escalations/{newest[25]}/"' in older
    assert f'href="/escalations/{newest[29]}/"' in older
    assert f'href="/escalations/{newest[24]}/"' not in older
    assert "Newest" in older

    # A cursor that is not a number, or names nothing they may see, starts at the newest.
    for before in ("x", "999999"):
        _, first = _queries(client, f"/escalations/?before={before}")
        assert f'href="/escalations/{newest[0]}/"' in first
