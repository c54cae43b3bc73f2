"""Clocks, escalations (R004.8) and "My work" through the API: the pages' rules, by token."""

from __future__ import annotations

import pytest

from convene.audit.models import AuditEntry
from convene.clocks.models import Escalation
from tests.api.conftest import bearer
from tests.api.conftest import tokens as tokens
from tests.convening import accepted_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(people, partnership, agencies):
    return accepted_referral(people=people, partnership=partnership, agencies=agencies)


def _get(client, tokens, who, url, **params):
    return client.get(f"/api/{url}", params, headers=bearer(tokens[who]))


def _post(client, tokens, who, url, body=None):
    return client.post(
        f"/api/{url}", body or {}, content_type="application/json", headers=bearer(tokens[who])
    )


def test_clocks_for_the_caseload_only(client, tokens, referral):
    listed = _get(client, tokens, "alice", "clocks/", include_closed="true").json()
    assert listed, "the accepted referral's convene-by clock"
    clock_id = listed[0]["id"]
    assert _get(client, tokens, "alice", f"clocks/{clock_id}").json()["subject_type"] == "referral"
    assert _get(client, tokens, "carol", "clocks/").json() == []
    assert _get(client, tokens, "carol", f"clocks/{clock_id}").status_code == 404
    assert _get(client, tokens, "nick", f"clocks/{clock_id}").status_code == 404
    assert AuditEntry.objects.filter(summary__contains="Viewed a timescale").exists()


def test_an_escalation_raised_acknowledged_and_resolved(client, tokens, referral, partnership):
    body = {
        "partnership_id": partnership.pk,  # carol's police force serves two partnerships
        "what_is_late": "The strategy discussion",
        "details": "No date yet",
    }
    assert _post(client, tokens, "ivy", "escalations/", body).status_code == 403
    assert (
        _post(client, tokens, "carol", "escalations/", {**body, "details": " "}).status_code == 400
    )
    assert not Escalation.objects.exists()
    raised = _post(client, tokens, "carol", "escalations/", body)
    assert raised.status_code == 201, raised.json()
    pk = raised.json()["id"]
    assert _get(client, tokens, "nick", f"escalations/{pk}").status_code == 404
    assert _post(client, tokens, "carol", f"escalations/{pk}/acknowledge").status_code == 403
    acknowledged = _post(client, tokens, "bob", f"escalations/{pk}/acknowledge")
    assert acknowledged.status_code == 200, acknowledged.json()
    assert acknowledged.json()["state"] == "acknowledged"
    again = _post(client, tokens, "bob", f"escalations/{pk}/acknowledge")
    assert again.status_code == 400
    resolved = _post(client, tokens, "bob", f"escalations/{pk}/resolve", {"outcome": "Booked"})
    assert resolved.json()["state"] == "resolved"
    assert _get(client, tokens, "carol", f"escalations/{pk}").json()["resolved_at"]


def test_my_work_is_the_token_users(client, tokens, referral):
    mine = _get(client, tokens, "bob", "my-work/").json()
    assert mine["count"] >= 1
    assert any(referral.reference in row["what"] or row["url"] for row in mine["items"])
    assert _get(client, tokens, "ursula", "my-work/").json()["items"] == []
    assert _get(client, tokens, "bob", "my-work/", page=0).status_code == 422
    assert AuditEntry.objects.filter(summary__contains="Opened My work (API)").count() == 2
