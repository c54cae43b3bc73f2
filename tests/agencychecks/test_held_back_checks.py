"""The pack may hold submitted checks back until the meeting starts (issue 16): then, before
the start, an invitee reads only their own agency's check, the chair reads every one, and from
the start everyone invited reads them all. England's default is off (R001.7)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from convene.agencychecks import holding
from convene.agencychecks.convening import discussion_terms
from convene.agencychecks.services import agency_check_submit
from tests.api.conftest import bearer
from tests.convening import NOW, accepted_referral, scheduled_discussion

pytestmark = pytest.mark.django_db

POLICE = {"known": "yes", "history": "Two call-outs to the address in 2025."}
HEALTH = {"known": "yes", "concerns": "Missed two health appointments since January."}


@pytest.fixture
def discussion(people, partnership, agencies):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    discussion = scheduled_discussion(
        referral=referral, people=people, invitees=("carol", "dev", "erin")
    )
    agency_check_submit(discussion=discussion, content=POLICE, by=people["carol"], now=NOW)
    agency_check_submit(discussion=discussion, content=HEALTH, by=people["dev"], now=NOW)
    return discussion


@pytest.fixture
def held(monkeypatch):
    def terms(discussion):
        return replace(discussion_terms(discussion), hold_back_until_start=True)

    monkeypatch.setattr(holding, "discussion_terms", terms)


def _board(client, person, discussion, at):
    with time_machine.travel(at, tick=False):
        client.force_login(person)
        return client.get(reverse("agencychecks:board", args=[discussion.pk])).content.decode()


def _api(client, tokens, person, discussion, at):
    with time_machine.travel(at, tick=False):
        response = client.get(
            f"/api/agency-checks/{discussion.pk}", headers=bearer(tokens[person.username])
        )
    assert response.status_code == 200
    return {row["agency"]: row for row in response.json()}


def test_R001_7_by_default_every_invitee_reads_each_check_as_soon_as_it_is_sent(
    client, people, discussion
):
    assert discussion_terms(discussion).hold_back_until_start is False
    page = _board(client, people["carol"], discussion, NOW)
    assert "Two call-outs" in page
    assert "Missed two health appointments" in page


def test_R001_7_held_back_an_invitee_reads_only_their_own_agencys_until_the_start(
    client, people, discussion, held
):
    before = _board(client, people["carol"], discussion, NOW)
    assert "Two call-outs" in before  # the police's own
    assert "Missed two health appointments" not in before
    assert "You can read it from the start of the meeting" in before
    after = _board(client, people["carol"], discussion, discussion.starts_at)
    assert "Missed two health appointments" in after


def test_R001_7_held_back_the_chair_reads_every_check_before_the_start(
    client, people, discussion, held
):
    page = _board(client, people["bob"], discussion, NOW)
    assert "Two call-outs" in page
    assert "Missed two health appointments" in page


def test_R001_7_held_back_the_api_gives_the_same_answer(client, people, discussion, held, tokens):
    rows = _api(client, tokens, people["carol"], discussion, NOW + timedelta(minutes=1))
    police, health = people["carol"].agency.name, people["dev"].agency.name
    assert rows[police]["answers"]["history"].startswith("Two call-outs")
    assert rows[health]["answers"] == {}
    rows = _api(client, tokens, people["carol"], discussion, discussion.starts_at)
    assert rows[health]["answers"]["concerns"].startswith("Missed")
