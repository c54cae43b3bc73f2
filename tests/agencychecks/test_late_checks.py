"""A check sent after the meeting started (issue 16): marked late on the board, the chair told
in Convene and by email through the outbox, and asked "Does this change the plan?" with the
route to a review discussion on new information (R004.5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from convene.agencychecks.services import agency_check_submit
from convene.reminders.models import Delivery
from tests.convening import NOW, accepted_referral, scheduled_discussion

pytestmark = pytest.mark.django_db

HEALTH = {"known": "yes", "concerns": "Missed two health appointments since January."}
OFFER = "Does this change the plan?"


@pytest.fixture
def discussion(people, partnership, agencies):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    return scheduled_discussion(referral=referral, people=people, invitees=("carol", "dev", "erin"))


def _board(client, person, discussion):
    client.force_login(person)
    return client.get(reverse("agencychecks:board", args=[discussion.pk])).content.decode()


def test_R004_5_a_late_check_is_marked_and_the_chair_is_told_and_offered_a_review(
    client, people, discussion
):
    after = discussion.starts_at + timedelta(minutes=20)
    version = agency_check_submit(
        discussion=discussion, content=HEALTH, by=people["dev"], now=after
    )
    assert version.late
    told = Delivery.objects.filter(kind="agency_check.late.1", recipient=people["bob"])
    assert {d.channel for d in told} == {Delivery.Channel.IN_APP, Delivery.Channel.EMAIL}
    assert told.first().link == reverse("agencychecks:board", args=[discussion.pk])
    assert "after the meeting started" in told.first().subject
    assert not Delivery.objects.filter(
        kind__startswith="agency_check.late", recipient=people["dev"]
    )
    page = _board(client, people["bob"], discussion)
    assert "Received late" in page
    assert OFFER in page
    assert reverse("followup:review", args=[discussion.pk]) in page
    # The review page it leads to opens for the chair.
    assert client.get(reverse("followup:review", args=[discussion.pk])).status_code == 200


def test_R004_5_a_partner_sees_the_late_mark_but_is_not_asked_about_the_plan(
    client, people, discussion
):
    after = discussion.starts_at + timedelta(minutes=20)
    agency_check_submit(discussion=discussion, content=HEALTH, by=people["dev"], now=after)
    page = _board(client, people["carol"], discussion)
    assert "Received late" in page
    assert OFFER not in page


def test_R004_5_a_check_sent_in_time_tells_nobody_and_offers_no_review(client, people, discussion):
    agency_check_submit(discussion=discussion, content=HEALTH, by=people["dev"], now=NOW)
    assert not Delivery.objects.filter(kind__startswith="agency_check.late").exists()
    assert OFFER not in _board(client, people["bob"], discussion)


def test_R004_5_each_late_update_tells_the_chair_again(people, discussion):
    after = discussion.starts_at + timedelta(minutes=20)
    agency_check_submit(discussion=discussion, content=HEALTH, by=people["dev"], now=after)
    changed = {**HEALTH, "concerns": "A further missed appointment today."}
    agency_check_submit(
        discussion=discussion, content=changed, by=people["dev"], now=after + timedelta(hours=1)
    )
    kinds = set(
        Delivery.objects.filter(
            recipient=people["bob"], kind__startswith="agency_check.late"
        ).values_list("kind", flat=True)
    )
    assert kinds == {"agency_check.late.1", "agency_check.late.2"}
