"""The follow-through API: my actions, updating one, S47 enquiries; 404 for what you may not see.

The router alone (django-ninja's ``TestClient``, ``user=``) for what it answers, and the
mounted API (``/api/followup/``, a bearer token) for who may ask: an uninvited partner and
the other partnership get 404, an auditor reads and gets 403 on a write, no token 401.
"""

from __future__ import annotations

import pytest
from ninja.testing import TestClient

from convene.api.services import api_token_create
from convene.audit.models import AuditEntry
from convene.followup.models import ActionUpdate
from convene.followup.routers import router
from convene.records.models import Action
from tests.api.conftest import bearer
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
    ).json() == {"detail": "Enter what was done", "field": "note"}
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


def _token(user) -> dict[str, str]:
    return bearer(api_token_create(user=user, name=f"{user.username}'s case system")[1])


UPDATE = {"status": "in_progress", "note": "Officer allocated", "expected_version": 0}


@pytest.fixture
def social_care_action(s47_decision, agencies) -> Action:
    version = s47_decision(action_owner=("agency", agencies["csc"].pk))
    return Action.objects.get(record=version.record, kind="agreed")


def test_the_mounted_api_answers_404_to_those_who_may_not_see_the_action(
    client, police_action, social_care_action, people
):
    """dev and erin are invited, not of the police; ursula is invited to nothing; nick is
    another partnership's; lee is in social care's agency but not on the discussion."""
    cases = [(police_action, n) for n in ("dev", "erin", "ursula", "nick", "lee")]
    cases += [(social_care_action, n) for n in ("carol", "lee", "nick")]
    tokens = {
        name: _token(people[name]) for name in ("dev", "erin", "ursula", "nick", "lee", "carol")
    }
    for action, name in cases:
        url = f"/api/followup/actions/{action.pk}"
        read = client.get(url, headers=tokens[name])
        assert (read.status_code, read.json()) == (
            404,
            {"detail": "Action not found", "field": None},
        ), name
        write = client.post(
            f"{url}/updates", UPDATE, content_type="application/json", headers=tokens[name]
        )
        assert write.status_code == 404, name
        listed = client.get("/api/followup/my-actions/", headers=tokens[name]).json()
        assert action.pk not in [row["id"] for row in listed], name
    assert not ActionUpdate.objects.exists()


def test_the_mounted_api_lets_the_invited_police_read_and_update_their_agencys_action(
    client, police_action, people
):
    headers = _token(people["carol"])
    (row,) = client.get("/api/followup/my-actions/", headers=headers).json()
    assert (row["id"], row["discussion_id"], row["hrpm_id"]) == (
        police_action.pk,
        police_action.record.discussion_id,
        None,
    )
    read = client.get(f"/api/followup/actions/{police_action.pk}", headers=headers)
    assert read.status_code == 200
    updated = client.post(
        f"/api/followup/actions/{police_action.pk}/updates",
        UPDATE,
        content_type="application/json",
        headers=headers,
    )
    assert updated.status_code == 200
    assert updated.json()["version"] == 1
    # Every request is in the audit log: the list once, the look and the update against
    # the child, each naming the token used.
    child = police_action.record.discussion.children.get()
    entries = AuditEntry.objects.filter(actor=people["carol"]).exclude(action="create")
    assert [(e.action, e.child_id) for e in entries.order_by("sequence")] == [
        ("search", None),
        ("view", child.pk),
        ("change", child.pk),
    ]
    assert all("through the API (token ‘carol's case system’)" in e.summary for e in entries)


def test_an_auditor_reads_through_the_api_and_never_writes(
    client, police_action, police_hrpm_action, people
):
    headers = _token(people["ivy"])
    for url in (
        f"/api/followup/actions/{police_action.pk}",
        f"/api/followup/hrpm-actions/{police_hrpm_action.pk}",
    ):
        assert client.get(url, headers=headers).status_code == 200
        write = client.post(
            f"{url}/updates", UPDATE, content_type="application/json", headers=headers
        )
        assert (write.status_code, write.json()["detail"]) == (
            403,
            "Auditors can read records but cannot change them",
        )
    assert not ActionUpdate.objects.exists()


def test_hrpm_actions_through_the_api(client, police_hrpm_action, people):
    url = f"/api/followup/hrpm-actions/{police_hrpm_action.pk}"
    carol = _token(people["carol"])  # attended the meeting
    assert client.get(url, headers=carol).json()["hrpm_id"] == police_hrpm_action.meeting.hrpm_id
    done = client.post(
        f"{url}/updates",
        {"status": "done", "note": "Visited the address"},
        content_type="application/json",
        headers=carol,
    )
    assert (done.status_code, done.json()["status"]) == (200, "done")
    again = client.post(
        f"{url}/updates",
        {"status": "done", "note": "Again"},
        content_type="application/json",
        headers=carol,
    )
    assert again.status_code == 409
    for name in ("dev", "lee", "nick"):  # did not attend, or another partnership
        headers = _token(people[name])
        assert client.get(url, headers=headers).status_code == 404, name
        assert (
            client.post(
                f"{url}/updates", UPDATE, content_type="application/json", headers=headers
            ).status_code
            == 404
        ), name


def test_the_api_refuses_bad_updates_without_writing(client, police_action, people):
    headers = _token(people["carol"])
    url = f"/api/followup/actions/{police_action.pk}/updates"
    for body, status in [
        ({"status": "finished", "note": "x"}, 422),
        ({"status": "done", "note": "x", "expected_version": -1}, 422),
        ({"status": "done", "note": "x" * 10_001}, 422),
        ({"status": "done", "note": "nul \x00 here"}, 400),
        ({"status": "done", "note": "   "}, 400),
        ({"status": "done", "note": "x", "expected_version": 4}, 409),
    ]:
        answer = client.post(url, body, content_type="application/json", headers=headers)
        assert answer.status_code == status, body
    assert client.get(url.removesuffix("/updates")).status_code == 401  # no token
    assert client.post(url, UPDATE, content_type="application/json").status_code == 401
    assert not ActionUpdate.objects.exists()


def test_reading_an_enquiry_is_in_the_audit_log(client, enquiry, people):
    started = enquiry()
    headers = _token(people["bob"])
    assert client.get(f"/api/followup/s47/{started.pk}", headers=headers).status_code == 200
    entry = AuditEntry.objects.filter(actor=people["bob"], action="view").get()
    assert entry.child == started.child
    assert "through the API" in entry.summary
    assert client.get(
        f"/api/followup/s47/{started.pk}", headers=_token(people["ursula"])
    ).json() == {
        "detail": "S47 enquiry not found",
        "field": None,
    }
    # Starting it was recorded too, against the child.
    assert AuditEntry.objects.filter(action="create", child=started.child).exists()
