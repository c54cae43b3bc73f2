"""Sign-in, failed sign-in and sign-out, as django.contrib.auth reports them.

These are the only audit entries written from signals: the events happen inside
Django's own authentication code, which offers no other hook. Domain changes are
audited by their services, explicitly (STYLE habit 5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record

if TYPE_CHECKING:  # audit sits below people: it names their models only in type hints
    from convene.people.models import Professional


def _context_of(request: HttpRequest | None) -> AuditContext | None:
    # Django sends these signals without a request when authenticate() is called outside a
    # page (a shell, a test): the entry then records no address, as a command's does.
    return AuditContext.from_request(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="convene.audit.sign_in")
def _signed_in(sender: Any, request: HttpRequest | None, user: Professional, **kwargs: Any) -> None:
    device = getattr(user, "otp_device", None)
    # Single sign-on says how itself (convene/accounts/oidc_views.py, services.py).
    how = getattr(user, "convene_sign_in_method", None) or (
        "password and authenticator code"
        if device is not None
        else "password only (two-factor skipped in development)"
    )
    audit_record(
        actor=user,
        action=Action.SIGN_IN,
        obj=user,
        summary=f"Signed in with {how}",
        context=_context_of(request),
    )


@receiver(user_login_failed, dispatch_uid="convene.audit.sign_in_failed")
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    user = kwargs.get("user")
    reason = kwargs.get("reason") or "wrong username or password, or locked out"
    audit_record(
        actor=user if isinstance(user, get_user_model()) else None,
        actor_username=str(credentials.get("username") or ""),
        action=Action.SIGN_IN_FAILED,
        summary=f"Sign-in failed: {reason}",
        context=_context_of(request),
    )


@receiver(user_logged_out, dispatch_uid="convene.audit.sign_out")
def _signed_out(
    sender: Any, request: HttpRequest | None, user: Professional | None, **kwargs: Any
) -> None:
    if user is None:
        return
    audit_record(
        actor=user,
        action=Action.SIGN_OUT,
        obj=user,
        summary=kwargs.get("reason") or "Signed out",
        context=_context_of(request),
    )
