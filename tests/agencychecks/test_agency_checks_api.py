"""A partner agency's system fetches its open checks and sends one through the API (issue 16)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from convene.agencychecks.models import AgencyCheckVersion
from convene.audit.models import AuditEntry
from tests.api.conftest import bearer
from tests.convening import accepted_referral, scheduled_discussion

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion(people, partnership, agencies):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    return scheduled_discussion(
        referral=referral, people=people, invitees=("carol", "dev"), now=timezone.now()
    )


def test_a_police_system_lists_its_open_checks_and_sends_one(client, tokens, discussion):
    police = bearer(tokens["carol"])
    listed = client.get("/api/agency-checks/", headers=police).json()
    assert [row["discussion_id"] for row in listed] == [discussion.pk]

    sent = client.post(
        f"/api/agency-checks/{discussion.pk}",
        {"known": "yes", "history": "Two call-outs in 2025", "completed_by_role": "DC"},
        content_type="application/json",
        headers=police,
    )
    assert sent.status_code == 201
    assert sent.json()["version"] == 1
    assert sent.json()["answers"]["history"] == "Two call-outs in 2025"
    assert client.get("/api/agency-checks/", headers=police).json() == []

    board = client.get(f"/api/agency-checks/{discussion.pk}", headers=bearer(tokens["bob"]))
    assert {(row["agency"], row["received"]) for row in board.json()} == {
        (discussion.invitations.get(professional__username="carol").professional.agency.name, True),
        (discussion.invitations.get(professional__username="dev").professional.agency.name, False),
    }
    assert AuditEntry.objects.filter(summary__startswith="Viewed the agency checks").exists()


def test_the_api_refuses_what_the_pages_refuse_and_writes_nothing(client, tokens, discussion):
    missing = client.post(
        f"/api/agency-checks/{discussion.pk}",
        {"known": "yes", "not_for_family": "The refuge's address"},
        content_type="application/json",
        headers=bearer(tokens["carol"]),
    )
    assert missing.status_code == 400
    assert missing.json()["field"] == "not_for_family_reason"
    social_care = client.post(
        f"/api/agency-checks/{discussion.pk}",
        {"known": "yes"},
        content_type="application/json",
        headers=bearer(tokens["bob"]),
    )
    assert social_care.status_code == 403
    # Not invited: the discussion does not exist for them, reading or writing.
    ursula = bearer(tokens["ursula"])
    assert client.get(f"/api/agency-checks/{discussion.pk}", headers=ursula).status_code == 404
    assert (
        client.post(
            f"/api/agency-checks/{discussion.pk}",
            {"known": "yes"},
            content_type="application/json",
            headers=ursula,
        ).status_code
        == 404
    )
    assert not AgencyCheckVersion.objects.exists()
