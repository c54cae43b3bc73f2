"""Two-step sign-in: the password, then a code from an authenticator app (TOTP).

Between the steps the person is *not* signed in: the session holds only the
pending user's id, for a few minutes. ``sign_in_complete`` calls Django's
``login`` once both factors are proved, so every signed-in session has passed
both (the RequireTwoFactorMiddleware checks it on every request as well).
"""

from __future__ import annotations

import time
from base64 import b32encode
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from convene.people.models import Professional

PENDING_KEY = "convene_sign_in_pending"
# Set only by a single sign-on whose provider asserted multi-factor and is trusted for it
# (convene/accounts/oidc_views.py): that session needs no Convene code.
PROVIDER_MFA_KEY = "convene_provider_mfa"
# The provider a session signed in through: its label, and what its sign-out needs.
PROVIDER_SIGN_IN_KEY = "convene_provider_sign_in"


@dataclass(frozen=True)
class Pending:
    user: Professional
    backend: str
    next_url: str


class CodeCheck(Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    THROTTLED = "throttled"


def sign_in_begin(*, request: HttpRequest, user: Professional, backend: str, next_url: str) -> None:
    """The password was right: remember who is signing in until they give a code."""
    request.session.cycle_key()  # a new session id once a password is accepted
    request.session.pop(PROVIDER_MFA_KEY, None)
    request.session.pop(PROVIDER_SIGN_IN_KEY, None)
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "at": time.time(),
        "next": next_url,
    }


def sign_in_pending(*, request: HttpRequest) -> Pending | None:
    """The person between the two steps, unless they took too long or were deactivated."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    age = time.time() - float(data.get("at", 0))
    if not 0 <= age <= settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user_id = data.get("user")
    if not isinstance(user_id, int):
        request.session.pop(PENDING_KEY, None)
        return None
    user = Professional.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return None
    return Pending(user=user, backend=str(data["backend"]), next_url=str(data["next"]))


def sign_in_abandon(*, request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def sign_in_complete(*, request: HttpRequest, pending: Pending, device: TOTPDevice) -> None:
    """Both factors proved: sign in, and mark the session as verified by this device."""
    user = pending.user
    # django_otp's user_logged_in receiver stores this device in the session;
    # the audit receiver reads it to record how the person signed in.
    user.otp_device = device  # type: ignore[attr-defined]
    provider = request.session.get(PROVIDER_SIGN_IN_KEY)
    if isinstance(provider, dict):
        user.convene_sign_in_method = (  # type: ignore[attr-defined]  # read by the audit
            f"single sign-on with {provider.get('label')} and authenticator code"
        )
    auth.login(request, user, backend=pending.backend)
    request.session.pop(PENDING_KEY, None)
    request.session.pop(SET_UP_KEY, None)


def sign_in_code_failed(*, request: HttpRequest, user: Professional, reason: str) -> None:
    """A wrong code counts towards lock-out exactly as a wrong password does."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username()},
        request=request,
        user=user,
        reason=reason,
    )


def totp_device_confirmed(*, user: Professional) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


SET_UP_KEY = "convene_totp_set_up_device"


@transaction.atomic
def totp_device_set_up_start(*, request: HttpRequest, user: Professional) -> TOTPDevice:
    """A new secret on every visit to the set-up page; every unconfirmed one before it goes.

    A secret someone once saw next to the password (over a shoulder, in another
    session) is useless once the page is shown again. Only the device shown in
    this session can be confirmed (``totp_device_set_up_current``). Only called for
    someone with no confirmed device: once a device is confirmed, knowing the
    password is not enough to enrol another.
    """
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    request.session[SET_UP_KEY] = device.pk
    return device


def totp_device_set_up_current(*, request: HttpRequest, user: Professional) -> TOTPDevice | None:
    """The unconfirmed device this session showed, if it is still the one being set up."""
    pk = request.session.get(SET_UP_KEY)
    if not isinstance(pk, int):
        return None
    return TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first()


def totp_check(*, device: TOTPDevice, code: str) -> CodeCheck:
    """Check a code, refusing reuse of an accepted one and slowing repeated guesses."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = locked.verify_is_allowed()
        if not allowed:
            return CodeCheck.THROTTLED
        if not locked.verify_token(code):
            return CodeCheck.WRONG
        if not locked.confirmed:
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
    device.refresh_from_db()
    return CodeCheck.ACCEPTED


def totp_secret_text(*, device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
