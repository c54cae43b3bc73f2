from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase

from convene.accounts.signin import PROVIDER_MFA_KEY
from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.people.models import Professional


class RequireTwoFactorMiddleware:
    """Every signed-in session must have passed the second factor.

    Sign-in through Convene's own pages always does (a code, or an identity
    provider trusted for its own multi-factor that asserted it); this catches any other way a
    session could become signed in (the admin's login form, a future view that
    calls ``login`` by mistake) and ends it. The development demo may skip it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if (
            user.is_authenticated
            and not settings.CONVENE_DEMO_SKIP_2FA
            and not user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
            and not request.session.get(PROVIDER_MFA_KEY)
        ):
            actor = user if isinstance(user, Professional) else None
            request.session.flush()
            request.user = AnonymousUser()
            context = AuditContext.from_request(request)
            audit_record(
                actor=actor,
                action=Action.SIGN_OUT,
                summary="Session ended: it had not passed two-factor sign-in",
                context=context,
            )
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
