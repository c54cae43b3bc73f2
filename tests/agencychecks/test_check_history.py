"""Each agency's check is kept, versioned when updated, and shown with the record's history
(issue 16: "the chair edits the record, not the submissions")."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from convene.agencychecks import holding
from convene.agencychecks.convening import discussion_terms
from convene.agencychecks.services import agency_check_submit
from convene.records.services import discussion_hold
from tests.convening import NOW, accepted_referral, scheduled_discussion

pytestmark = pytest.mark.django_db

FIRST = {"known": "yes", "history": "Two call-outs to the address in 2025.", "concerns": "DV"}
SECOND = {**FIRST, "concerns": "A new incident last night"}


@pytest.fixture
def discussion(people, partnership, agencies):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    return scheduled_discussion(referral=referral, people=people, invitees=("carol", "dev", "erin"))


def _sent_twice(people, discussion):
    agency_check_submit(discussion=discussion, content=FIRST, by=people["carol"], now=NOW)
    late = discussion.starts_at + timedelta(minutes=10)
    agency_check_submit(discussion=discussion, content=SECOND, by=people["carol"], now=late)
    return late


def test_the_records_history_lists_each_check_and_each_update(client, people, discussion):
    late = _sent_twice(people, discussion)
    discussion_hold(discussion=discussion, held_at=late, by=people["bob"], now=late)
    client.force_login(people["bob"])
    page = client.get(reverse("records:versions", args=[discussion.pk])).content.decode()
    police = people["carol"].agency.name
    assert "What the agencies sent" in page
    assert f"{police}: agency check sent by {people['carol']}" in page
    assert (
        f"{police}: agency check updated (version 2) by {people['carol']}, after the meeting "
        "started" in page
    )
    assert page.index("agency check sent by") < page.index("updated (version 2)")
    assert reverse("agencychecks:board", args=[discussion.pk]) in page


def test_the_board_keeps_the_agencys_earlier_words_readable(client, people, discussion):
    _sent_twice(people, discussion)
    client.force_login(people["bob"])
    page = client.get(reverse("agencychecks:board", args=[discussion.pk])).content.decode()
    assert "A new incident last night" in page
    assert "Earlier version from" in page
    assert "Version 1: sent by" in page
    assert ">DV<" in page.replace("\n", "")


def test_a_held_back_check_shows_no_earlier_version_either(client, people, discussion, monkeypatch):
    """With checks held back until the start, another invitee reads neither version."""

    def terms(discussion):
        return replace(discussion_terms(discussion), hold_back_until_start=True)

    monkeypatch.setattr(holding, "discussion_terms", terms)
    agency_check_submit(discussion=discussion, content=FIRST, by=people["carol"], now=NOW)
    agency_check_submit(
        discussion=discussion, content=SECOND, by=people["carol"], now=NOW + timedelta(minutes=5)
    )
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        client.force_login(people["dev"])
        page = client.get(reverse("agencychecks:board", args=[discussion.pk])).content.decode()
    assert "Two call-outs" not in page
    assert "A new incident" not in page
    assert "Earlier version" not in page
