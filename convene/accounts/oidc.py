"""Single sign-on with OpenID Connect: several identity providers side by side.

mozilla-django-oidc reads one provider from settings; Convene has several
(``CONVENE_OIDC_PROVIDERS``), so :class:`ProviderBackend` is configured per
sign-in from the provider's discovery document, fetched from its issuer with a
time-out. A sign-in maps the provider's *verified* email to one existing, active
Professional; nobody is ever created. Whether the provider's multi-factor stands
in for Convene's own code is decided by :func:`mfa_asserted`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify

from convene.people.models import Professional

# Session key: which provider each sign-in started with, by its OAuth state.
STATE_PROVIDERS_KEY = "convene_oidc_state_providers"
# The ``amr`` values (RFC 8176) that say the person proved more than a password.
MFA_METHODS = frozenset({"mfa", "otp", "hwk"})


@dataclass(frozen=True)
class Provider:
    name: str
    issuer: str
    client_id: str
    client_secret: str
    label: str
    trust_mfa: bool
    mfa_acr: tuple[str, ...]


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    jwks: str
    userinfo: str
    end_session: str


class ProviderUnreachable(Exception):
    def __init__(self, provider: Provider, detail: str) -> None:
        super().__init__(f"{provider.label}: {detail}")
        self.provider = provider


class SignInRefused(Exception):
    """The provider signed the person in, but Convene will not: the reason is audited."""

    def __init__(self, provider: Provider, reason: str, *, email: str = "") -> None:
        super().__init__(reason)
        self.provider, self.reason, self.email = provider, reason, email


def providers() -> dict[str, Provider]:
    return {
        name: Provider(
            name=name,
            issuer=config["issuer"],
            client_id=config["client_id"],
            client_secret=config["client_secret"],
            label=config["label"],
            trust_mfa=bool(config["trust_mfa"]),
            mfa_acr=tuple(config["mfa_acr"]),
        )
        for name, config in settings.CONVENE_OIDC_PROVIDERS.items()
    }


def provider_named(name: str) -> Provider | None:
    return providers().get(name)


def discover(provider: Provider) -> Endpoints:
    """The provider's endpoints from its discovery document (its own server, with a time-out).

    Kept for ``CONVENE_OIDC_DISCOVERY_CACHE_SECONDS`` in each process's cache, so a sign-in
    costs the provider one round trip fewer; a failure is never kept, so a provider that
    comes back is used at once.
    """
    key = f"convene-oidc-discovery:{provider.issuer}"
    cached = cache.get(key)
    if isinstance(cached, Endpoints):
        return cached
    endpoints = _fetch_endpoints(provider)
    cache.set(key, endpoints, settings.CONVENE_OIDC_DISCOVERY_CACHE_SECONDS)
    return endpoints


def _fetch_endpoints(provider: Provider) -> Endpoints:
    url = f"{provider.issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.CONVENE_OIDC_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != provider.issuer:
            raise ValueError("its discovery document names another issuer")
        return Endpoints(
            authorization=str(document["authorization_endpoint"]),
            token=str(document["token_endpoint"]),
            jwks=str(document["jwks_uri"]),
            userinfo=str(document.get("userinfo_endpoint") or ""),
            end_session=str(document.get("end_session_endpoint") or ""),
        )
    except (requests.RequestException, ValueError, KeyError, AttributeError) as error:
        raise ProviderUnreachable(provider, str(error)) from error


def mfa_asserted(provider: Provider, claims: dict[str, Any]) -> bool:
    """Did a provider trusted for it say the person used multi-factor (``amr`` or ``acr``)?"""
    if not provider.trust_mfa:
        return False
    methods = claims.get("amr") or []
    if isinstance(methods, str):
        methods = [methods]
    if MFA_METHODS.intersection(str(method).lower() for method in methods):
        return True
    return bool(provider.mfa_acr) and str(claims.get("acr", "")) in provider.mfa_acr


@dataclass(frozen=True)
class ProviderSignIn:
    """What a successful provider sign-in tells the callback view, beside the person."""

    provider: Provider
    mfa: bool
    id_token: str
    end_session: str


class ProviderBackend(OIDCAuthenticationBackend):
    """Sign-in through a provider's callback; ``get_user`` for sessions it started.

    Django asks every back end to authenticate every sign-in; this one answers only
    the provider callback (the ``oidc-callback`` route) and returns None otherwise.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not the library's __init__: that reads one provider's endpoints from settings.
        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def _configure(self, provider: Provider, endpoints: Endpoints) -> None:
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints.token
        self.OIDC_OP_USER_ENDPOINT = endpoints.userinfo
        self.OIDC_OP_JWKS_ENDPOINT = endpoints.jwks
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Professional | None:
        match = getattr(request, "resolver_match", None)
        if request is None or match is None or match.view_name != "accounts:oidc-callback":
            return None
        state, code = request.GET.get("state", ""), request.GET.get("code", "")
        name = request.session.get(STATE_PROVIDERS_KEY, {}).pop(state, None)
        request.session.modified = True  # each state is used once
        provider = provider_named(str(name)) if name else None
        if provider is None or not code:
            return None
        endpoints = discover(provider)
        self._configure(provider, endpoints)
        self.request = request
        try:
            token_info = self.get_token(
                {
                    "client_id": provider.client_id,
                    "client_secret": provider.client_secret,
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": absolutify(request, reverse("accounts:oidc-callback")),
                    **(
                        {"code_verifier": kwargs["code_verifier"]}
                        if kwargs.get("code_verifier")
                        else {}
                    ),
                }
            )
            id_token = str(token_info.get("id_token") or "")
            claims = self.verify_token(id_token, nonce=kwargs.get("nonce"))
            if endpoints.userinfo and token_info.get("access_token"):
                userinfo = self.get_userinfo(token_info["access_token"], id_token, claims)
                claims = {
                    **claims,
                    **{k: v for k, v in userinfo.items() if k in ("email", "email_verified")},
                }
        except requests.RequestException as error:
            raise ProviderUnreachable(provider, str(error)) from error
        self._check_token(provider, claims)
        user = self._professional(provider, claims)
        user.convene_provider_sign_in = ProviderSignIn(  # type: ignore[attr-defined]
            provider=provider,
            mfa=mfa_asserted(provider, claims),
            id_token=id_token,
            end_session=endpoints.end_session,
        )
        return user

    @staticmethod
    def _check_token(provider: Provider, claims: dict[str, Any]) -> None:
        # The library checks the signature, expiry and nonce; these it leaves to us.
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if str(claims.get("iss", "")).rstrip("/") != provider.issuer:
            raise SignInRefused(provider, "the sign-in came from another issuer")
        if provider.client_id not in audiences:
            raise SignInRefused(provider, "the sign-in was meant for another service")

    @staticmethod
    def _professional(provider: Provider, claims: dict[str, Any]) -> Professional:
        email = str(claims.get("email") or "").strip()
        if not email:
            raise SignInRefused(provider, "the provider gave no email address")
        if claims.get("email_verified") is not True:
            raise SignInRefused(provider, "the provider has not verified the email", email=email)
        matches = list(Professional.objects.filter(email__iexact=email, is_active=True)[:2])
        if len(matches) != 1:
            reason = (
                "no active account has this email"
                if not matches
                else "two accounts share this email"
            )
            raise SignInRefused(provider, reason, email=email)
        return matches[0]


def end_session_url(request: HttpRequest, signed_in: dict[str, str]) -> str:
    """Where to send the browser so the provider ends its session too (or "")."""
    endpoint = signed_in.get("end_session", "")
    if not endpoint:
        return ""
    query = urlencode(
        {
            "id_token_hint": signed_in.get("id_token", ""),
            "client_id": signed_in.get("client_id", ""),
            "post_logout_redirect_uri": absolutify(request, reverse("accounts:login")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


__all__ = [
    "ProviderBackend",
    "ProviderSignIn",
    "ProviderUnreachable",
    "SignInRefused",
    "discover",
    "end_session_url",
    "mfa_asserted",
    "providers",
]
