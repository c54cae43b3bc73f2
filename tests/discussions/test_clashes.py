"""Scheduling warns of clashes: the chair or an invitee already booked then (issue 18)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from convene.discussions.clashes import booking_clashes
from convene.discussions.models import Discussion, Invitation
from convene.discussions.services import discussion_cancel
from convene.workdays import LONDON
from tests.convening import scheduled_discussion
from tests.discussions.test_discussion_pages import _convene_data

pytestmark = pytest.mark.django_db


def _tomorrow_at_ten() -> datetime:
    return datetime.combine(timezone.localdate() + timedelta(days=1), time(10), tzinfo=LONDON)


@pytest.fixture
def booked(people, accepted_for):
    """Bob chairs, and Carol, Dev and Erin are invited to, a discussion tomorrow 10:00–11:00."""
    now = timezone.now()
    referral = accepted_for(now=now, received_at=now - timedelta(hours=1))
    return scheduled_discussion(
        referral=referral, people=people, now=now, starts_in=_tomorrow_at_ten() - now
    )


def test_who_is_booked_is_one_query_and_apologies_or_cancelling_free_them(
    people, booked, django_assert_num_queries
):
    start = _tomorrow_at_ten() + timedelta(minutes=30)
    everyone = [people[name].pk for name in ("bob", "carol", "dev", "erin", "alice")]
    with django_assert_num_queries(1):
        clashes = booking_clashes(
            people=everyone, starts_at=start, ends_at=start + timedelta(hours=1)
        )
    assert {(str(c.person), c.chairing) for c in clashes} == {
        ("Bob Bennett", True),
        ("Carol Clarke", False),
        ("Dev Dhillon", False),
        ("Erin Evans", False),
    }
    # Back to back is no clash; nor is the discussion itself when it is moved.
    later = _tomorrow_at_ten() + timedelta(hours=1)
    assert (
        booking_clashes(people=everyone, starts_at=later, ends_at=later + timedelta(hours=1)) == []
    )
    assert (
        booking_clashes(
            people=everyone, starts_at=start, ends_at=start + timedelta(hours=1), exclude=booked.pk
        )
        == []
    )
    Invitation.objects.filter(professional=people["carol"]).update(
        response=Invitation.Response.APOLOGIES, responded_at=timezone.now()
    )
    assert "Carol Clarke" not in {
        str(c.person)
        for c in booking_clashes(
            people=everyone, starts_at=start, ends_at=start + timedelta(hours=1)
        )
    }
    discussion_cancel(
        discussion=booked,
        reason="Moved",
        by=people["bob"],
        now=timezone.now(),
        expected_version=booked.version,
    )
    assert (
        booking_clashes(people=everyone, starts_at=start, ends_at=start + timedelta(hours=1)) == []
    )


def test_the_convene_page_warns_but_does_not_block(client, people, accepted_for, booked):
    other = accepted_for(now=timezone.now(), received_at=timezone.now() - timedelta(hours=1))
    client.force_login(people["bob"])
    html = client.post(
        f"/discussions/new/{other.pk}/", _convene_data(other, people, venue="", virtual_link="")
    ).content.decode()
    assert "Already booked at this time" in html
    assert "Bob Bennett is chairing another discussion from" in html
    assert "Carol Clarke is invited to another discussion from" in html
    assert booked.reference not in html  # the other discussion is not named
    response = client.post(f"/discussions/new/{other.pk}/", _convene_data(other, people))
    assert response.status_code == 302  # a warning, not a refusal
    created = Discussion.objects.exclude(pk=booked.pk).get()
    html = client.get(f"/discussions/{created.pk}/").content.decode()
    assert "Carol Clarke is invited to another discussion from" in html
    html = client.get(f"/discussions/{booked.pk}/reschedule/").content.decode()
    assert "Carol Clarke is invited to another discussion from" in html


def test_no_warning_without_a_clash(client, people, booked):
    client.force_login(people["bob"])
    html = client.get(f"/discussions/{booked.pk}/").content.decode()
    assert "Already booked" not in html
