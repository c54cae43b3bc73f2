"""Notifications at any size (issue 15): the badge is one indexed count, the list a keyset
page re-checked for need-to-know, and opening one checks again (404 when hidden)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from convene.clocks.reminders import clock_reminders_decide
from convene.people.factories import ChildFactory
from convene.reminders.models import Delivery
from convene.reminders.notices import PAGE_SIZE, notices_page
from convene.reminders.services import deliveries_decide
from tests.clocks.test_restricted_subjects import (  # noqa: F401  (fixtures)
    LATE,
    raised,
    restricted,
    tess,
)
from tests.queries import CaptureQueriesContext
from tests.reminders.test_notification_pages import T0

pytestmark = pytest.mark.django_db


def _notices(partnership, person, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        deliveries_decide(
            partnership=partnership,
            source=ChildFactory(partnership=partnership),
            kind="due_tomorrow",
            professionals=[person],
            subject=f"Notice {n}",
            body="Due tomorrow",
            link="/escalations/",
            now=T0 + timedelta(minutes=n),
        )


def _queries(client, path: str) -> list[str]:
    client.get(path)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_R004_8_the_badge_is_one_count_whatever_the_number_of_notices(client, people, partnership):
    bob = people["bob"]
    client.force_login(bob)
    _notices(partnership, bob, 1)
    few = [sql for sql in _queries(client, "/escalations/") if "reminders_delivery" in sql]
    _notices(partnership, bob, 20, start=1)
    many = [sql for sql in _queries(client, "/escalations/") if "reminders_delivery" in sql]
    assert len(few) == len(many) == 1
    # No need-to-know subqueries: the recipient's unread rows, counted from the index, and
    # no further than the badge shows (a team manager may have 90,000 unread).
    assert "COUNT(" in many[0]
    assert "LIMIT 100" in many[0]
    assert many[0].count("SELECT") == 2
    assert "JOIN" not in many[0]
    page = client.get("/escalations/").content.decode()
    assert '21<span class="govuk-visually-hidden"> unread</span>' in page


def test_R004_8_the_badge_says_99_plus_beyond_99(client, people, partnership):
    bob = people["bob"]
    client.force_login(bob)
    _notices(partnership, bob, 99)
    page = client.get("/escalations/").content.decode()
    assert '>99<span class="govuk-visually-hidden"> unread</span>' in page
    _notices(partnership, bob, 1, start=99)
    page = client.get("/escalations/").content.decode()
    assert '>99+<span class="govuk-visually-hidden"> unread</span>' in page


def test_R004_8_the_notifications_page_costs_the_same_for_1_or_40(client, people, partnership):
    bob = people["bob"]
    client.force_login(bob)
    _notices(partnership, bob, 1)
    few = _queries(client, "/notifications/")
    _notices(partnership, bob, 39, start=1)
    many = _queries(client, "/notifications/")
    assert len(many) == len(few)
    assert not any(
        "COUNT(" in sql and "reminders_delivery" in sql and "read_at" not in sql for sql in many
    )


def test_R004_8_older_notices_are_a_keyset_page_away_newest_first(client, people, partnership):
    bob = people["bob"]
    _notices(partnership, bob, PAGE_SIZE + 3)
    first = notices_page(user=bob, before=None)
    assert [n.subject for n in first.notices[:2]] == [
        f"Notice {PAGE_SIZE + 2}",
        f"Notice {PAGE_SIZE + 1}",
    ]
    assert len(first.notices) == PAGE_SIZE
    assert first.older is not None
    second = notices_page(user=bob, before=first.older)
    assert [n.subject for n in second.notices] == ["Notice 2", "Notice 1", "Notice 0"]
    assert second.older is None
    assert not second.first
    client.force_login(bob)
    page = client.get(f"/notifications/?before={first.older}").content.decode()
    assert "Notice 0" in page
    assert f"Notice {PAGE_SIZE + 2}" not in page
    # A cursor that is not theirs, or not a number, starts at the newest.
    assert f"Notice {PAGE_SIZE + 2}" in client.get("/notifications/?before=x").content.decode()
    client.force_login(people["dina"])
    assert (
        "You have no notifications"
        in client.get(f"/notifications/?before={first.older}").content.decode()
    )


def test_R004_8_opening_a_notice_checks_need_to_know_again(restricted, tess, people, client):  # noqa: F811
    referral, clock = restricted("tess", "hana")
    _first, _ = raised(clock)
    clock_reminders_decide(now=LATE)
    mine = list(Delivery.objects.filter(recipient=tess, channel="in_app"))
    assert len(mine) >= 2  # the escalation and the reminder
    client.force_login(tess)
    opened = client.get(f"/notifications/{mine[0].pk}/")
    assert opened.status_code == 302
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None
    listing = client.get("/notifications/").content.decode()
    assert f"/notifications/{mine[1].pk}/" in listing
    referral.named_people.remove(tess)
    # Hers still, but about a record she may no longer see: not shown, not opened.
    listing = client.get("/notifications/").content.decode()
    for notice in mine:
        assert f"/notifications/{notice.pk}/" not in listing
        assert notice.subject not in listing
        assert client.get(f"/notifications/{notice.pk}/").status_code == 404
    # Someone else's notice does not exist for her either.
    client.force_login(people["bob"])
    assert client.get(f"/notifications/{mine[1].pk}/").status_code == 404
