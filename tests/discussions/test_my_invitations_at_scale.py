"""My invitations at any size (issue 15): coming up, then the recent past a page at a time,
with the same number of queries for 1 invitation as for many."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from convene.discussions import invitation_pages
from convene.discussions.models import Discussion
from convene.discussions.selectors import invitations_of, invited_discussion_keys
from tests.columns_read import columns_read
from tests.convening import scheduled_discussion
from tests.plans import plan_without
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _invite(accepted_for, people, *, past: bool = False) -> Discussion:
    now = timezone.now()
    discussion = scheduled_discussion(
        referral=accepted_for(now=now, received_at=now - timedelta(hours=1)),
        people=people,
        now=now,
    )
    if past:  # held long ago: no longer coming up
        Discussion.objects.filter(pk=discussion.pk).update(
            starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=30, hours=-1)
        )
    return discussion


def _queries(client) -> int:
    client.get("/invitations/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/invitations/").status_code == 200
    return len(captured.captured_queries)


def test_R002_8_my_invitations_costs_the_same_for_2_or_8(client, people, accepted_for):
    client.force_login(people["carol"])
    _invite(accepted_for, people)
    _invite(accepted_for, people, past=True)
    few = _queries(client)
    for n in range(6):
        _invite(accepted_for, people, past=bool(n % 2))
    assert _queries(client) == few


def test_my_invitations_reads_only_what_it_shows(client, people, accepted_for):
    """Each invitation's reply and its discussion's reference, start, venue, state and chair:
    not the discussion's partnership or its other columns (issue 15), and every row shown."""
    client.force_login(people["carol"])
    coming = _invite(accepted_for, people)
    past = _invite(accepted_for, people, past=True)
    client.get("/invitations/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/invitations/").content.decode()
    assert coming.reference in page
    assert past.reference in page
    assert not columns_read(
        captured,
        '"discussions_discussion"."virtual_link"',
        '"discussions_discussion"."cancel_reason"',
        '"people_partnership"."name"',
    )


def test_R002_8_the_past_is_shown_newest_first_a_page_at_a_time(
    client, people, accepted_for, monkeypatch
):
    monkeypatch.setattr(invitation_pages, "PAST_PAGE", 2)
    monkeypatch.setattr(invitation_pages, "UPCOMING_MAX", 1)
    coming = [_invite(accepted_for, people) for _ in range(2)]
    past = [_invite(accepted_for, people, past=True) for _ in range(3)]
    client.force_login(people["carol"])
    html = client.get("/invitations/").content.decode()
    assert coming[0].reference in html
    assert coming[1].reference not in html  # more than UPCOMING_MAX: bounded, and said so
    assert "more are coming up after them" in html
    assert past[2].reference in html
    assert past[1].reference in html
    assert past[0].reference not in html
    older = invitation_pages.my_invitations(
        user=people["carol"], now=timezone.now(), before=None
    ).older
    assert older is not None
    html = client.get(f"/invitations/?before={older}").content.decode()
    assert past[0].reference in html
    assert past[2].reference not in html
    assert "Most recent" in html


def _plan(queryset, *, sort: bool = True) -> str:
    # Without the whole-table scan (and the sort of a handful of rows) the planner would
    # choose for the tiny test database: the plan shows how an index answers the query as it
    # must at scale; with no index in the list's order it could not.
    return plan_without(queryset, "seqscan", *(() if sort else ("sort",)))


def _uses(plan: str, index: str) -> bool:
    return f"Index Scan using {index}" in plan or f"Bitmap Index Scan on {index}" in plan


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL plans")
def test_the_two_lists_walk_their_indexes(people):
    mine = invitations_of(user=people["carol"])
    now = timezone.now()
    upcoming = _plan(mine.filter(invitation_pages._upcoming_q(now))[:51])
    # The discussions still to happen, from the partial index alone, never every one held.
    assert _uses(upcoming, "discussion_live_ends"), upcoming
    past = _plan(mine.exclude(invitation_pages._upcoming_q(now)).order_by("-pk")[:21], sort=False)
    # The person's invitations newest first, walked from the newest: no sort of them all.
    assert _uses(past, "invitation_person_newest"), past
    assert "Sort Key" not in past, past


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL indexes")
def test_no_index_on_the_invitee_repeats_another():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'discussions_invitation' "
            "AND indexdef LIKE '%%(professional_id)'"
        )
        assert cursor.fetchall() == []


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL plans")
def test_the_discussions_a_person_is_invited_to_are_read_from_the_index_alone(people):
    # Every partner's need-to-know starts here: read from the invitations' table, each
    # invitation costs a page read (a police officer's 5,023: 7 ms at a million).
    plan = plan_without(invited_discussion_keys(user=people["carol"]), "seqscan", "bitmapscan")
    assert "Index Only Scan using invitation_person_newest" in plan, plan
