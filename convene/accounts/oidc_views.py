"""Single sign-on pages: go to the provider, come back, and sign out of both.

Coming back, the provider's multi-factor stands in for Convene's code only when
the provider is trusted for it and asserted it (convene/accounts/oidc.py);
otherwise the person continues to the same code step as after a password.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LogoutView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from convene.accounts import oidc, signin
from convene.people.models import Professional

BACKEND = "convene.accounts.oidc.ProviderBackend"


def provider_unreachable(request: HttpRequest, error: oidc.ProviderUnreachable) -> HttpResponse:
    return render(
        request,
        "registration/sign_in_provider_unreachable.html",
        {"label": error.provider.label},
        status=502,
    )


class ProviderSignInView(OIDCAuthenticationRequestView):
    """``/sign-in/oidc/<provider>/``: off to the provider's sign-in page."""

    def __init__(self, **kwargs: Any) -> None:
        # Not the library's __init__: the provider is known only from the URL.
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest, provider: str = "") -> HttpResponseBase:
        found = oidc.provider_named(provider)
        if found is None:
            raise Http404("No such sign-in provider")
        try:
            endpoints = oidc.discover(found)
        except oidc.ProviderUnreachable as error:
            return provider_unreachable(request, error)
        self.OIDC_OP_AUTH_ENDPOINT = endpoints.authorization
        self.OIDC_RP_CLIENT_ID = found.client_id
        response = super().get(request)
        # Remember which provider this state belongs to, for the way back.
        [state] = parse_qs(urlsplit(response["Location"]).query)["state"]
        request.session.setdefault(oidc.STATE_PROVIDERS_KEY, {})[state] = found.name
        request.session.modified = True
        return response


class ProviderCallbackView(OIDCAuthenticationCallbackView):
    """``/sign-in/oidc-callback/``: the provider sends the person back here."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        try:
            return super().get(request)
        except oidc.ProviderUnreachable as error:
            return provider_unreachable(request, error)
        except oidc.SignInRefused as refused:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": refused.email},
                request=request,
                reason=f"single sign-on with {refused.provider.label}: {refused.reason}",
            )
            return render(
                request,
                "registration/sign_in_provider_refused.html",
                {"label": refused.provider.label, "email": refused.email},
                status=403,
            )

    def login_failure(self) -> HttpResponse:
        """The provider said no, or the answer did not match a sign-in started here."""
        return render(
            self.request, "registration/sign_in_provider_refused.html", {"label": ""}, status=400
        )

    def login_success(self) -> HttpResponseBase:
        user = self.user
        assert isinstance(user, Professional)
        sign_in: oidc.ProviderSignIn = user.convene_provider_sign_in  # type: ignore[attr-defined]
        provider = sign_in.provider
        record = {
            "label": provider.label,
            "client_id": provider.client_id,
            "id_token": sign_in.id_token,
            "end_session": sign_in.end_session,
        }
        next_url = self.success_url
        if sign_in.mfa or settings.CONVENE_DEMO_SKIP_2FA:
            user.convene_sign_in_method = (  # type: ignore[attr-defined]  # read by the audit
                f"single sign-on with {provider.label}, with its multi-factor"
                if sign_in.mfa
                else f"single sign-on with {provider.label} only (development)"
            )
            auth.login(self.request, user, backend=BACKEND)
            if sign_in.mfa:
                self.request.session[signin.PROVIDER_MFA_KEY] = provider.name
            self.request.session[signin.PROVIDER_SIGN_IN_KEY] = record
            return redirect(next_url)
        # Convene's own code, exactly as after a password.
        signin.sign_in_begin(request=self.request, user=user, backend=BACKEND, next_url=next_url)
        self.request.session[signin.PROVIDER_SIGN_IN_KEY] = record
        if signin.totp_device_confirmed(user=user) is None:
            return redirect("accounts:sign-in-set-up")
        return redirect("accounts:sign-in-code")


class SignOutView(LogoutView):
    """Sign out of Convene and, when the person came through a provider, of it too."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        signed_in = request.session.get(signin.PROVIDER_SIGN_IN_KEY)
        response = super().post(request, *args, **kwargs)
        if isinstance(signed_in, dict):
            url = oidc.end_session_url(request, signed_in)
            if url:
                return redirect(url)
        return response
