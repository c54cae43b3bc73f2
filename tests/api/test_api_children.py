"""GET /api/children/ and /api/children/{id}: the pages' need-to-know rules, by token."""

from __future__ import annotations

import pytest
from django.utils import timezone

from convene.api.models import ApiToken
from convene.audit.models import Action, AuditEntry
from convene.people.factories import ChildFactory
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

CASELOAD = ["alice", "bob", "tom", "hana", "ivy", "admin"]
PARTNERS = ["carol", "dev", "erin", "ursula"]


@pytest.mark.parametrize("username", CASELOAD)
def test_caseload_roles_list_and_read_their_partnerships_children(
    client, tokens, home_child, neighbour_child, username
):
    listed = client.get("/api/children/", headers=bearer(tokens[username])).json()
    assert [item["id"] for item in listed["items"]] == [home_child.pk]
    assert listed["count"] == 1
    detail = client.get(f"/api/children/{home_child.pk}", headers=bearer(tokens[username]))
    assert detail.status_code == 200
    assert detail.json()["full_name"] == "Ann Smith"
    assert (
        client.get(
            f"/api/children/{neighbour_child.pk}", headers=bearer(tokens[username])
        ).status_code
        == 404
    )


@pytest.mark.parametrize("username", PARTNERS)
def test_partners_get_404_for_children_they_are_not_invited_to(
    client, tokens, home_child, username
):
    assert client.get("/api/children/", headers=bearer(tokens[username])).json()["items"] == []
    response = client.get(f"/api/children/{home_child.pk}", headers=bearer(tokens[username]))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_another_partnerships_social_worker_sees_only_their_own(
    client, tokens, home_child, neighbour_child
):
    listed = client.get("/api/children/", headers=bearer(tokens["nick"])).json()
    assert [item["id"] for item in listed["items"]] == [neighbour_child.pk]
    assert (
        client.get(f"/api/children/{home_child.pk}", headers=bearer(tokens["nick"])).status_code
        == 404
    )


def test_a_child_that_does_not_exist_looks_the_same_as_one_you_may_not_see(client, tokens):
    response = client.get("/api/children/999999", headers=bearer(tokens["alice"]))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_search_and_pages(client, tokens, partnership, home_child):
    ChildFactory.create_batch(30, partnership=partnership, last_name="Jones")
    page_two = client.get(
        "/api/children/", {"q": "jones", "page": 2}, headers=bearer(tokens["alice"])
    ).json()
    assert page_two["count"] == 30
    assert page_two["pages"] == 2
    assert len(page_two["items"]) == 5
    beyond = client.get("/api/children/", {"page": 99}, headers=bearer(tokens["alice"])).json()
    assert beyond["items"] == []
    by_name = client.get("/api/children/", {"q": "Ann Smith"}, headers=bearer(tokens["alice"]))
    assert [item["id"] for item in by_name.json()["items"]] == [home_child.pk]


@pytest.mark.parametrize(
    "params", [{"q": "x" * 101}, {"page": 0}, {"page": "two"}, {"page": 100_001}]
)
def test_bad_parameters_are_refused_with_422(client, tokens, params):
    response = client.get("/api/children/", params, headers=bearer(tokens["alice"]))
    assert response.status_code == 422
    assert "detail" in response.json()


@pytest.mark.parametrize("child_id", ["0", "-1", "abc", str(2**63)])
def test_bad_ids_are_refused_with_422(client, tokens, child_id):
    assert (
        client.get(f"/api/children/{child_id}", headers=bearer(tokens["alice"])).status_code == 422
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer cvn_not-a-real-token"},
        {"Authorization": "Bearer " + "x" * 5000},
        {"Authorization": "Basic YWxpY2U6cGFzc3dvcmQ="},
    ],
    ids=["none", "empty", "unknown", "huge", "basic"],
)
def test_requests_without_a_live_token_get_401(client, home_child, headers):
    response = client.get(f"/api/children/{home_child.pk}", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_signed_in_session_is_not_an_api_credential(client, people, home_child):
    client.force_login(people["alice"])
    assert client.get(f"/api/children/{home_child.pk}").status_code == 401


def test_a_revoked_token_is_refused(client, people, tokens, home_child):
    token = ApiToken.objects.get(user=people["alice"])
    token.revoked_at = timezone.now()
    token.revoked_by = people["alice"]
    token.save()
    assert client.get("/api/children/", headers=bearer(tokens["alice"])).status_code == 401


def test_an_inactive_users_token_is_refused(client, people, tokens):
    people["bob"].is_active = False
    people["bob"].save()
    assert client.get("/api/children/", headers=bearer(tokens["bob"])).status_code == 401


def test_api_reads_are_audited_with_the_token_name(client, people, tokens, home_child):
    client.get(f"/api/children/{home_child.pk}", headers=bearer(tokens["bob"]))
    client.get("/api/children/", {"q": "Smith"}, headers=bearer(tokens["bob"]))
    view = AuditEntry.objects.get(action=Action.VIEW)
    assert view.actor == people["bob"]
    assert view.child_id == home_child.pk
    assert "through the API (token ‘bob's case system’)" in view.summary
    search = AuditEntry.objects.get(action=Action.SEARCH)
    assert "‘Smith’" in search.summary
    assert search.child_id is None


def test_token_use_is_recorded(client, people, tokens):
    token = ApiToken.objects.get(user=people["alice"])
    assert token.last_used_at is None
    client.get("/api/children/", headers=bearer(tokens["alice"]))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_a_hash_of_the_token_is_stored(people, tokens):
    token = ApiToken.objects.get(user=people["alice"])
    raw = tokens["alice"]
    assert raw not in {token.token_hash, token.prefix, token.name}
    assert len(token.token_hash) == 64
    assert raw.startswith(token.prefix)


# -- schema and docs -------------------------------------------------------------------


def test_the_schema_is_served_to_token_holders(client, tokens):
    response = client.get("/api/openapi.json", headers=bearer(tokens["carol"]))
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"] == {
        "title": "Convene API",
        "version": "1",
        "description": schema["info"]["description"],
    }
    assert set(schema["paths"]) == {
        "/api/children/",
        "/api/children/{child_id}",
        "/api/referrals/",
        "/api/referrals/{referral_id}",
        "/api/referrals/{referral_id}/triage",
        "/api/referrals/{referral_id}/accept",
        "/api/referrals/{referral_id}/override",
        "/api/discussions/",
        "/api/discussions/{discussion_id}",
        "/api/discussions/{discussion_id}/schedule",
        "/api/discussions/{discussion_id}/invitations",
        "/api/discussions/{discussion_id}/cancel",
        "/api/discussions/{discussion_id}/invitations/{invitation_id}/reply",
        "/api/records/{discussion_id}",
        "/api/records/{discussion_id}/versions",
        "/api/records/{discussion_id}/versions/{number}",
        "/api/records/{discussion_id}/versions/{number}/pdf",
        "/api/records/{discussion_id}/decision",
        "/api/records/{discussion_id}/hold",
        "/api/records/{discussion_id}/sections/{section}",
        "/api/records/{discussion_id}/submit",
        "/api/records/{discussion_id}/authorise",
        "/api/records/{discussion_id}/distribute",
        "/api/records/{discussion_id}/confirm",
        "/api/records/{discussion_id}/correction",
        "/api/followup/my-actions/",
        "/api/followup/actions/{action_id}",
        "/api/followup/actions/{action_id}/updates",
        "/api/followup/hrpm-actions/{action_id}",
        "/api/followup/hrpm-actions/{action_id}/updates",
        "/api/followup/s47/",
        "/api/followup/s47/{enquiry_id}",
        "/api/followup/discussions/{discussion_id}/s47",
        "/api/followup/s47/{enquiry_id}/visit",
        "/api/followup/s47/{enquiry_id}/outcome",
        "/api/followup/icpc/{icpc_id}",
        "/api/followup/icpc/{icpc_id}/confirm",
        "/api/followup/icpc/{icpc_id}/date",
        "/api/followup/icpc/{icpc_id}/held",
        "/api/followup/icpc/{icpc_id}/outcome",
        "/api/followup/hrpm",
        "/api/followup/hrpm/{hrpm_id}",
        "/api/followup/hrpm/{hrpm_id}/meetings",
        "/api/followup/hrpm/{hrpm_id}/meetings/{number}/actions",
        "/api/followup/discussions/{discussion_id}/review",
        "/api/followup/discussions/{discussion_id}/reconvene",
        "/api/agency-checks/",
        "/api/agency-checks/{discussion_id}",
        "/api/clocks/",
        "/api/clocks/{clock_id}",
        "/api/escalations/",
        "/api/escalations/{escalation_id}",
        "/api/escalations/{escalation_id}/acknowledge",
        "/api/escalations/{escalation_id}/resolve",
        "/api/my-work/",
    }
    # Every operation needs the token and says so, and documents the 401 it answers without.
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"BearerToken": []}], (method, path)
            assert "401" in operation["responses"], (method, path)
            assert "422" in operation["responses"], (method, path)
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_the_schema_and_docs_are_served_to_signed_in_people(client, people):
    client.force_login(people["erin"])
    assert client.get("/api/openapi.json").status_code == 200
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"swagger-ui-bundle.js" in docs.content


@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/docs"])
def test_the_schema_and_docs_need_a_sign_in_or_a_token(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_unknown_api_paths_answer_in_json(client, tokens):
    response = client.get("/api/nothing/here", headers=bearer(tokens["alice"]))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_the_api_refuses_methods_it_does_not_offer(client, tokens):
    response = client.delete("/api/children/", headers=bearer(tokens["alice"]))
    assert response.status_code == 405
