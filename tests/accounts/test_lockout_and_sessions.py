"""Lock-out after repeated failures, and the idle session timeout."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from convene.accounts.idle_middleware import EXTEND_EVERY
from convene.audit.models import Action, AuditEntry
from tests.accounts.test_two_factor import PASSWORD, password_step, signed_in_as
from tests.core.test_settings_startup import clean_environment
from tests.queries import CaptureQueriesContext
from tests.totp import code_for, confirmed_device

pytestmark = pytest.mark.django_db

LOCKED = "You cannot sign in at the moment"


def _fail(client, times, username="alice"):
    for _ in range(times):
        response = password_step(client, username=username, password="not the password")
    return response


def test_five_wrong_passwords_lock_the_account(client, people):
    assert settings.AXES_FAILURE_LIMIT == 5
    response = _fail(client, 4)
    assert response.status_code == 200  # still the sign-in form with its error
    response = _fail(client, 1)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "try again in 30 minutes" in response.content.decode()
    # Now even the right password is refused, without saying whether it was right.
    response = password_step(client)
    assert response.status_code == 429
    assert signed_in_as(client) is None
    assert AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED).count() == 6


def test_the_locked_out_page_passes_the_page_check(client, people):
    from tests.pagecheck import check_page

    response = _fail(client, 5)
    assert check_page(response.content.decode()) == []
    assert "<title>You cannot sign in at the moment" in response.content.decode()


def test_a_locked_account_opens_again_after_30_minutes(client, people):
    device = confirmed_device(people["alice"])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _fail(client, 5)
        traveller.shift(timedelta(minutes=29))
        assert password_step(client).status_code == 429
        traveller.shift(timedelta(minutes=2))
        assert password_step(client)["Location"] == "/sign-in/code/"
        client.post("/sign-in/code/", {"code": code_for(device)})
        assert signed_in_as(client) == "alice"


def test_trying_again_during_the_lock_does_not_extend_it(client, people):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _fail(client, 5)
        traveller.shift(timedelta(minutes=20))
        _fail(client, 3)
        traveller.shift(timedelta(minutes=11))
        assert password_step(client)["Location"] == "/sign-in/set-up/"


def test_wrong_codes_count_towards_the_lock(client, people, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # test axes, not django-otp's own slowing down
    device = confirmed_device(people["alice"])
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    _fail(client, 2)
    password_step(client)
    for _ in range(2):
        assert client.post("/sign-in/code/", {"code": wrong}).status_code == 200
    response = client.post("/sign-in/code/", {"code": wrong})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    # The pending sign-in is dropped: the right code now needs the password again.
    assert client.post("/sign-in/code/", {"code": code_for(device)})["Location"] == "/sign-in/"


def test_a_correct_sign_in_resets_the_count(client, people):
    device = confirmed_device(people["alice"])
    _fail(client, 4)
    password_step(client)
    client.post("/sign-in/code/", {"code": code_for(device)})
    client.post("/sign-out/")
    assert _fail(client, 4).status_code == 200


def test_one_persons_failures_do_not_lock_out_a_colleague(client, people):
    _fail(client, 5, username="alice")
    assert password_step(client, username="bob")["Location"] == "/sign-in/set-up/"


def test_repeated_wrong_codes_are_slowed_down(client, people):
    device = confirmed_device(people["alice"])
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    password_step(client)
    client.post("/sign-in/code/", {"code": wrong})
    response = client.post("/sign-in/code/", {"code": code_for(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert signed_in_as(client) is None


def test_the_failure_limit_comes_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='convene.settings'; "
            "django.setup(); from django.conf import settings; print(settings.AXES_FAILURE_LIMIT)",
        ],
        env=clean_environment(CONVENE_DEVELOPMENT="true", AXES_FAILURE_LIMIT="3"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "3", result.stderr


# -- idle timeout ----------------------------------------------------------------------


def test_a_session_idle_past_the_limit_is_signed_out(client, people):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(people["alice"])
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_activity_keeps_a_session_alive(client, people):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(people["alice"])
        for _ in range(4):
            traveller.shift(timedelta(minutes=20))
            assert client.get("/").status_code == 200


def _session_writes(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return sum(
        query["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in query["sql"]
        for query in captured.captured_queries
    )


def test_a_session_is_written_at_most_once_a_minute(client, people):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(people["alice"])
        assert _session_writes(client) == 1  # the first page extends it
        key = client.session.session_key
        extended_until = Session.objects.get(pk=key).expire_date
        traveller.shift(timedelta(seconds=EXTEND_EVERY - 1))
        assert _session_writes(client) == 0
        assert Session.objects.get(pk=key).expire_date == extended_until
        traveller.shift(timedelta(seconds=1))
        assert _session_writes(client) == 1
        assert Session.objects.get(pk=key).expire_date == extended_until + timedelta(
            seconds=EXTEND_EVERY
        )


def test_pages_more_often_than_the_extension_keep_a_session_alive(client, people):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(people["alice"])
        for _ in range(45):  # 45 × 50 s: longer than the limit, never idle for a minute
            traveller.shift(timedelta(seconds=50))
            assert client.get("/").status_code == 200


def test_a_visitor_who_is_not_signed_in_gets_no_session(client, people):
    assert client.get("/sign-in/").status_code == 200
    assert not Session.objects.exists()


def test_session_cookies_are_http_only_and_end_with_the_browser(client, people):
    client.force_login(people["alice"])
    response = client.get("/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["expires"] == ""  # a browser-session cookie: closing the browser signs out


def test_production_cookies_are_secure():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='convene.settings'; "
            "django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_SSL_REDIRECT, s.CONVENE_DEMO_SKIP_2FA)",
        ],
        env=clean_environment(
            SECRET_KEY="k" * 10 + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
            ALLOWED_HOSTS="convene.example.gov.uk",
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split() == ["True", "True", "63072000", "True", "False"], result.stderr


def test_passwords_are_checked_for_the_sign_in(client, people):
    # The demo password is long; the check sits in AUTH_PASSWORD_VALIDATORS (12 characters).
    assert len(PASSWORD) >= 12
