"""Allocation: default at triage, re-allocation with history, inheritance, who may change it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from convene.allocation import selectors, services
from convene.allocation.models import Allocation, Team
from convene.audit.models import AuditEntry
from convene.core.errors import Invalid, NotAllowed
from tests.convening import NOW, accepted_referral, make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(partnership, people):
    made = Team.objects.create(partnership=partnership, name="Duty and assessment team")
    made.members.add(people["bob"], people["alice"])
    return made


def test_triage_allocates_to_the_triaging_manager_and_their_team(
    people, partnership, agencies, team
):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    current = selectors.current_for(subject=referral)
    assert current is not None
    # tom (front door) recorded it but holds no cases: the manager who triaged holds it.
    assert current.social_worker == people["bob"]
    assert current.team == team
    assert current.by == people["bob"]


def test_a_referral_recorded_by_a_social_worker_is_allocated_to_them(
    people, partnership, agencies, team
):
    referral = accepted_referral(
        people=people, partnership=partnership, agencies=agencies, by="alice"
    )
    current = selectors.current_for(subject=referral)
    assert current is not None
    assert current.social_worker == people["alice"]


def test_awaiting_triage_is_not_allocated(people, partnership, agencies):
    referral = make_referral(people=people, partnership=partnership, agencies=agencies)
    assert selectors.current_for(subject=referral) is None


def test_reallocation_keeps_history_and_is_audited(people, partnership, agencies, team):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    services.allocation_change(
        subject=referral,
        social_worker=people["alice"],
        team=team,
        reason="Capacity",
        by=people["bob"],
        now=NOW + timedelta(hours=1),
    )
    history = selectors.history_for(subject=referral)
    assert [a.social_worker.username for a in history] == ["alice", "bob"]
    assert history[0].ended_at is None
    assert history[1].ended_at == NOW + timedelta(hours=1)
    assert AuditEntry.objects.filter(
        summary__startswith=f"Re-allocated {referral.reference} to"
    ).exists()


def test_only_managers_allocate_and_only_to_the_partnerships_social_workers(
    people, partnership, agencies, team
):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    before = Allocation.objects.count()
    with pytest.raises(NotAllowed):
        services.allocation_change(
            subject=referral,
            social_worker=people["alice"],
            team=None,
            reason="",
            by=people["alice"],
            now=NOW,
        )
    for outsider in ("nick", "carol"):  # another partnership's social worker; a police officer
        with pytest.raises(Invalid):
            services.allocation_change(
                subject=referral,
                social_worker=people[outsider],
                team=None,
                reason="",
                by=people["bob"],
                now=NOW,
            )
    assert Allocation.objects.count() == before  # nothing written


def test_discussion_and_s47_inherit_until_given_their_own(people, enquiry):
    started = enquiry()
    referral = started.discussion.referral
    assert selectors.current_for(subject=started).referral_id == referral.pk
    services.allocation_change(
        subject=started.discussion,
        social_worker=people["alice"],
        team=None,
        reason="",
        by=people["bob"],
        now=started.started_at,
    )
    assert selectors.current_for(subject=started).discussion_id == started.discussion_id
    assert selectors.current_for(subject=started).social_worker == people["alice"]


def test_change_page_for_managers_only(client, people, partnership, agencies, team):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    url = reverse("allocation:referral", args=[referral.pk])
    client.force_login(people["alice"])
    assert client.get(url).status_code == 403
    client.force_login(people["carol"])  # a partner does not know the referral exists
    assert client.get(url).status_code == 404
    client.force_login(people["bob"])
    page = client.get(url)
    assert page.status_code == 200
    # The choices are the partnership's social care practitioners only.
    assert people["alice"].get_full_name() in page.content.decode()
    assert people["nick"].get_full_name() not in page.content.decode()
    bad = client.post(url, {"social_worker": people["nick"].pk})
    assert bad.status_code == 200
    assert "Choose a social worker from the list" in bad.content.decode()
    done = client.post(url, {"social_worker": people["alice"].pk, "team": team.pk})
    assert done.status_code == 302
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert people["alice"].get_full_name() in detail
    assert "Duty and assessment team" in detail
