"""Single sign-on end to end, against a real OpenID provider on a local port (issue 14).

The provider (tests/accounts/oidc_provider.py) signs RS256 ID tokens and
publishes discovery and a JWKS; Convene fetches all of it over HTTP, as it
would from Microsoft Entra ID.
"""

from __future__ import annotations

import pytest
import requests
from django.core.cache import cache

from convene.audit.models import Action, AuditEntry
from convene.people.models import Professional
from tests.accounts.oidc_provider import LocalProvider
from tests.totp import code_for, confirmed_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    cache.clear()  # each test's provider is new, and may reuse an earlier one's port
    running = LocalProvider().start()
    settings.CONVENE_OIDC_PROVIDERS = {
        "council": {
            "issuer": running.issuer,
            "client_id": running.client_id,
            "client_secret": running.client_secret,
            "label": "Riverside Council",
            "trust_mfa": True,
            "mfa_acr": ["urn:example:mfa"],
        }
    }
    yield running
    running.stop()


def sign_in_through(client, provider, **claims):
    """Press "Sign in with …", let the provider sign ``claims`` in, come back."""
    provider.person = claims
    start = client.get("/sign-in/oidc/council/")
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    location = back.headers["Location"]
    assert location.startswith("http://testserver/sign-in/oidc-callback/?")
    return client.get(location.removeprefix("http://testserver"))


def signed_in_as(client):
    response = client.get("/")
    return response.wsgi_request.user.get_username() if response.status_code == 200 else None


def test_the_sign_in_page_offers_each_provider(client, provider):
    page = client.get("/sign-in/").content.decode()
    assert 'href="/sign-in/oidc/council/"' in page
    assert "Sign in with Riverside Council" in page


def test_provider_multi_factor_signs_in_straight_to_my_work(client, provider, people):
    bob = people["bob"]
    response = sign_in_through(
        client, provider, email=bob.email.upper(), email_verified=True, amr=["pwd", "mfa"]
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_as(client) == bob.username
    home = client.get("/")
    assert "My work" in home.content.decode()
    entry = AuditEntry.objects.filter(action=Action.SIGN_IN).latest("pk")
    assert entry.actor == bob
    assert "single sign-on with Riverside Council, with its multi-factor" in entry.summary


def test_a_configured_acr_counts_as_multi_factor(client, provider, people):
    bob = people["bob"]
    sign_in_through(client, provider, email=bob.email, email_verified=True, acr="urn:example:mfa")
    assert signed_in_as(client) == bob.username


@pytest.mark.parametrize(
    ("trusted", "claims"),
    [(True, {"amr": ["pwd"]}), (True, {"acr": "urn:other"}), (False, {"amr": ["mfa"]})],
    ids=["password-only", "other-acr", "provider-not-trusted"],
)
def test_without_trusted_multi_factor_convene_asks_for_its_code(
    client, provider, people, settings, trusted, claims
):
    settings.CONVENE_OIDC_PROVIDERS["council"]["trust_mfa"] = trusted
    bob = people["bob"]
    device = confirmed_device(bob)
    response = sign_in_through(client, provider, email=bob.email, email_verified=True, **claims)
    assert response["Location"] == "/sign-in/code/"
    assert signed_in_as(client) is None
    done = client.post("/sign-in/code/", {"code": code_for(device)})
    assert done["Location"] == "/"
    assert signed_in_as(client) == bob.username
    entry = AuditEntry.objects.filter(action=Action.SIGN_IN).latest("pk")
    assert "single sign-on with Riverside Council and authenticator code" in entry.summary


def test_someone_without_an_authenticator_is_sent_to_set_one_up(client, provider, people):
    response = sign_in_through(client, provider, email=people["bob"].email, email_verified=True)
    assert response["Location"] == "/sign-in/set-up/"
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        (
            {"email": "nobody@example.org", "email_verified": True},
            "no active account has this email",
        ),
        ({"email_verified": False}, "the provider has not verified the email"),
        ({}, "the provider has not verified the email"),
    ],
    ids=["unknown-email", "unverified-email", "no-verified-claim"],
)
def test_unknown_or_unverified_emails_are_refused_clearly_and_audited(
    client, provider, people, claims, reason
):
    claims = {"email": people["bob"].email, **claims}
    before = Professional.objects.count()
    response = sign_in_through(client, provider, **claims)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot sign in with this account" in page
    assert "Riverside Council signed you in, but Convene could not match it" in page
    assert signed_in_as(client) is None
    assert Professional.objects.count() == before  # nobody is ever created
    failed = AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED).latest("pk")
    assert failed.summary == f"Sign-in failed: single sign-on with Riverside Council: {reason}"


def test_a_deactivated_professional_is_refused(client, provider, people):
    bob = people["bob"]
    Professional.objects.filter(pk=bob.pk).update(is_active=False)
    response = sign_in_through(client, provider, email=bob.email, email_verified=True, amr=["mfa"])
    assert response.status_code == 403
    assert signed_in_as(client) is None


def test_a_callback_with_an_unknown_state_signs_nobody_in(client, provider, people):
    response = client.get("/sign-in/oidc-callback/?code=abc&state=forged")
    assert response.status_code in (400, 403)
    assert signed_in_as(client) is None


def test_sign_out_ends_the_convene_session_and_the_providers(client, provider, people):
    bob = people["bob"]
    sign_in_through(client, provider, email=bob.email, email_verified=True, amr=["mfa"])
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{provider.issuer}/logout?")
    assert signed_in_as(client) is None
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.headers["Location"] == "http://testserver/sign-in/"
    [ended] = provider.ended_sessions
    assert ended["client_id"] == provider.client_id
    assert ended["id_token_hint"]


def test_a_provider_that_is_down_gets_a_clear_page(client, provider, people):
    provider.stop()
    response = client.get("/sign-in/oidc/council/")
    assert response.status_code == 502
    page = response.content.decode()
    assert "We could not reach Riverside Council" in page
    assert signed_in_as(client) is None


def test_a_provider_that_goes_down_mid_sign_in_gets_the_same_page(client, provider, people):
    provider.person = {"email": people["bob"].email, "email_verified": True}
    start = client.get("/sign-in/oidc/council/")
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    provider.stop()
    response = client.get(back.headers["Location"].removeprefix("http://testserver"))
    assert response.status_code == 502
    assert "We could not reach Riverside Council" in response.content.decode()


def test_an_unknown_provider_is_not_found(client, provider):
    assert client.get("/sign-in/oidc/police/").status_code == 404


def test_passwords_still_work_beside_single_sign_on(client, provider, people):
    response = client.post(
        "/sign-in/", {"username": "alice", "password": "correct horse battery staple"}
    )
    assert response["Location"] == "/sign-in/set-up/"


def test_the_discovery_document_is_fetched_once_not_at_every_sign_in(client, provider, people):
    for username in ("bob", "alice"):
        sign_in_through(client, provider, email=people[username].email, email_verified=True)
        client.logout()
    assert provider.discoveries == 1


def test_a_failed_discovery_is_not_kept(client, provider, people, settings):
    """A provider that was down is used as soon as it answers again."""
    settings.CONVENE_OIDC_PROVIDERS["council"]["issuer"] = provider.issuer + "/wrong"
    assert client.get("/sign-in/oidc/council/").status_code == 502
    settings.CONVENE_OIDC_PROVIDERS["council"]["issuer"] = provider.issuer
    response = sign_in_through(client, provider, email=people["bob"].email, email_verified=True)
    assert response.status_code == 302
    assert provider.discoveries == 1
