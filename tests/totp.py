"""Authenticator codes for tests, computed as a phone app would."""

from __future__ import annotations

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from convene.people.models import Professional


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an app shows now, or ``steps_ahead`` 30-second steps later.

    django-otp accepts each time step once; a test signing in twice within one
    step asks for the next step's code (accepted: tolerance is one step).
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    # ``step`` is the server's own count (the device's drift is in it), so its token is made
    # with no drift again: made through ``TOTP`` at that time, the drift a sign-in at a step's
    # edge leaves (-1) was added twice, giving the step already used (a flaky second sign-in).
    step = max(totp.t() + steps_ahead, device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def confirmed_device(user: Professional) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def verify_session(client: object, user: Professional) -> None:
    """Mark a test client's signed-in session as having passed two-factor sign-in."""
    session = client.session  # type: ignore[attr-defined]
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()
