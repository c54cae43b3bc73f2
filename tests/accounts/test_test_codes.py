"""The tests' own authenticator codes (tests/totp.py) are the ones a phone shows.

A code typed as a step ends is verified one step late: django-otp then keeps a drift of -1
on the device. The next code must still be one the device accepts, or a journey that signs
the same person in twice a minute apart fails now and then (it did, in CI on 5 December).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django_otp.oath import TOTP

from tests.totp import code_for, confirmed_device

pytestmark = pytest.mark.django_db

# The middle of a 30-second step, so nothing here crosses a step's edge by accident.
MID_STEP = datetime(2027, 3, 2, 9, 30, 15, tzinfo=UTC)


@pytest.mark.parametrize("drift", [-1, 0, 1])
def test_the_next_code_is_accepted_whatever_drift_the_last_sign_in_left(people, drift):
    device = confirmed_device(people["erin"])
    with time_machine.travel(MID_STEP, tick=False):
        now = TOTP(device.bin_key, device.step, device.t0, device.digits).t()
        # The last code was accepted at the server's step just before now's.
        device.last_t, device.drift = now + drift - 1, drift
        device.save()
        assert device.verify_token(code_for(device))
        # And straight after, within the same step: the next step's code, still accepted.
        assert device.verify_token(code_for(device))
