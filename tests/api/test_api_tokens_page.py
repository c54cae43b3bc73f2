"""The "API tokens" page: create (shown once) and revoke your own tokens."""

from __future__ import annotations

import pytest

from convene.api.models import ApiToken
from convene.audit.models import Action, AuditEntry
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def test_the_page_lists_only_your_own_tokens(client, people, tokens):
    client.force_login(people["alice"])
    html = client.get("/account/api-tokens/").content.decode()
    assert '<h1 class="govuk-heading-l">API tokens</h1>' in html
    assert "alice&#x27;s case system" in html
    assert "bob&#x27;s case system" not in html


def test_with_no_tokens_the_page_says_so(client, people):
    client.force_login(people["alice"])
    assert b"You have no API tokens." in client.get("/account/api-tokens/").content


def test_creating_a_token_shows_it_once_and_it_works(client, people):
    client.force_login(people["carol"])
    response = client.post("/account/api-tokens/", {"name": "Police case system"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "API token created" in html
    assert "You will not be able to see it again" in html
    raw = html.split('id="api-token">')[1].split("<")[0]
    assert raw.startswith("cvn_")
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=people["carol"])
    assert token.name == "Police case system"
    assert raw not in client.get("/account/api-tokens/").content.decode()
    assert client.get("/api/children/", headers=bearer(raw)).status_code == 200
    created = AuditEntry.objects.get(action=Action.CREATE, object_type="api.apitoken")
    assert created.actor == people["carol"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Enter a name for the token"), ("x" * 101, "100 characters or fewer")],
)
def test_a_bad_name_is_explained(client, people, name, message):
    client.force_login(people["alice"])
    response = client.post("/account/api-tokens/", {"name": name})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: API tokens" in html
    assert message in html
    assert not ApiToken.objects.exists()


def test_revoking_your_token_stops_it_working(client, people, tokens):
    client.force_login(people["alice"])
    token = ApiToken.objects.get(user=people["alice"])
    response = client.post(f"/account/api-tokens/{token.pk}/revoke/", follow=True)
    assert response.status_code == 200
    assert "revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == people["alice"]
    assert client.get("/api/children/", headers=bearer(tokens["alice"])).status_code == 401
    assert AuditEntry.objects.filter(action=Action.REVOKE, actor=people["alice"]).exists()


def test_revoking_twice_changes_nothing(client, people, tokens):
    client.force_login(people["alice"])
    token = ApiToken.objects.get(user=people["alice"])
    client.post(f"/account/api-tokens/{token.pk}/revoke/")
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    client.post(f"/account/api-tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert AuditEntry.objects.filter(action=Action.REVOKE).count() == 1


def test_nobody_can_revoke_someone_elses_token(client, people, tokens):
    client.force_login(people["admin"])
    token = ApiToken.objects.get(user=people["alice"])
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_a_post(client, people, tokens):
    client.force_login(people["alice"])
    token = ApiToken.objects.get(user=people["alice"])
    assert client.get(f"/account/api-tokens/{token.pk}/revoke/").status_code == 405


def test_auditors_may_hold_tokens_to_read(client, people, tokens, home_child):
    assert (
        client.get(f"/api/children/{home_child.pk}", headers=bearer(tokens["ivy"])).status_code
        == 200
    )


def test_a_token_expires_after_the_configured_days(client, people, settings):
    """Issue 12 point 9: tokens expire (CONVENE_API_TOKEN_DAYS, default 90)."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from convene.api.services import api_token_create

    settings.CONVENE_API_TOKEN_DAYS = 30
    token, raw = api_token_create(user=people["alice"], name="Case system")
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert client.get("/api/children/", headers=bearer(raw)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert client.get("/api/children/", headers=bearer(raw)).status_code == 401


def test_the_page_shows_when_a_token_was_last_used_and_when_it_expires(client, people):
    from convene.api.services import api_token_create
    from convene.core.dates import govuk_date

    token, raw = api_token_create(user=people["alice"], name="Case system")
    client.get("/api/children/", headers=bearer(raw))
    token.refresh_from_db()
    client.force_login(people["alice"])
    html = client.get("/account/api-tokens/").content.decode()
    # GOV.UK dates (issue 18): "3 December 2026".
    assert govuk_date(token.last_used_at) in html
    assert "Expires" in html
    assert govuk_date(token.expires_at) in html


def test_a_read_only_token_reads_but_every_write_is_refused(client, people, partnership):
    from convene.audit.models import AuditEntry as Entry

    client.force_login(people["bob"])
    html = client.post(
        "/account/api-tokens/", {"name": "Reporting", "read_only": "on"}
    ).content.decode()
    raw = html.split("<code")[1].split(">", 1)[1].split("<", 1)[0].strip()
    token = ApiToken.objects.get(name="Reporting")
    assert token.read_only
    assert client.get("/api/children/", headers=bearer(raw)).status_code == 200
    before = Entry.objects.count()
    response = client.post(
        "/api/discussions/", {}, content_type="application/json", headers=bearer(raw)
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert Entry.objects.count() == before
    client.force_login(people["bob"])
    assert "Read only" in client.get("/account/api-tokens/").content.decode()
