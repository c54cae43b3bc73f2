"""The follow-through API: my actions, updating one, S47 enquiries; 404 for what you may not see."""

from __future__ import annotations

import pytest
from ninja.testing import TestClient

from convene.followup.api import router
from convene.records.models import Action
from tests.followup.conftest import outcome

pytestmark = pytest.mark.django_db

api = TestClient(router)


@pytest.fixture
def police_action(s47_decision, agencies) -> Action:
    version = s47_decision(action_owner=("agency", agencies["police"].pk))
    return Action.objects.get(record=version.record, kind="agreed")


def test_partner_lists_and_updates_their_agencys_actions(police_action, people):
    listed = api.get("/my-actions/", user=people["carol"])
    assert listed.status_code == 200
    (row,) = listed.json()
    assert row["id"] == police_action.pk
    assert row["kind"] == "record"
    assert row["overdue"] is True  # due 5 March 2026
    assert row["version"] == 0
    updated = api.post(
        f"/actions/{police_action.pk}/updates",
        json={"status": "done", "note": "Visited", "expected_version": 0},
        user=people["carol"],
    )
    assert updated.status_code == 200
    body = updated.json()
    assert body["status"] == "done"
    assert [u["note"] for u in body["updates"]] == ["Visited"]
    assert api.get("/my-actions/", user=people["carol"]).json() == []
    assert len(api.get("/my-actions/?include_done=true", user=people["carol"]).json()) == 1


def test_update_refusals_carry_the_services_status(police_action, people):
    stale = api.post(
        f"/actions/{police_action.pk}/updates",
        json={"status": "in_progress", "note": "x", "expected_version": 3},
        user=people["carol"],
    )
    assert stale.status_code == 409
    assert api.post(
        f"/actions/{police_action.pk}/updates",
        json={"status": "done", "note": ""},
        user=people["carol"],
    ).json() == {"detail": "Enter what was done"}
    assert (
        api.post(
            f"/actions/{police_action.pk}/updates",
            json={"status": "done", "note": "x"},
            user=people["ivy"],
        ).status_code
        == 403
    )
    for name in ("dev", "nick"):
        assert api.get(f"/actions/{police_action.pk}", user=people[name]).status_code == 404
        assert (
            api.post(
                f"/actions/{police_action.pk}/updates",
                json={"status": "done", "note": "x"},
                user=people[name],
            ).status_code
            == 404
        )


def test_s47_enquiries_read_by_social_care_and_invited_police_only(enquiry, people):
    done = outcome(enquiry(visited=True), people, "significant_harm")
    (row,) = api.get("/s47/", user=people["bob"]).json()
    assert row["route"] == "icpc"
    assert row["icpc_state"] == "requested"
    assert row["lead"] == "joint"
    assert api.get(f"/s47/{done.pk}", user=people["carol"]).json()["outcome"] == (
        "significant_harm"
    )
    assert api.get(f"/s47/{done.pk}", user=people["nick"]).status_code == 404
    assert api.get(f"/s47/{done.pk}", user=people["ursula"]).status_code == 404
    assert api.get("/s47/", user=people["nick"]).json() == []


def test_reading_an_enquiry_is_in_the_audit_log(enquiry, people):
    from convene.audit.models import AuditEntry

    started = enquiry()
    api.get(f"/s47/{started.pk}", user=people["bob"])
    entry = AuditEntry.objects.filter(actor=people["bob"], action="view").get()
    assert entry.child == started.child
    assert "through the API" in entry.summary
    # Starting it was recorded too, against the child.
    assert AuditEntry.objects.filter(action="create", child=started.child).exists()
