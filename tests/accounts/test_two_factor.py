"""Two-step sign-in: password, then a code from an authenticator app. Enforced in tests."""

from __future__ import annotations

import re
import subprocess
import sys
from base64 import b32encode

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from convene.audit.models import Action, AuditEntry
from tests.core.test_settings_startup import clean_environment
from tests.totp import code_for, confirmed_device

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def password_step(client, username="alice", password=PASSWORD, **extra):
    return client.post("/sign-in/", {"username": username, "password": password, **extra})


def signed_in_as(client):
    response = client.get("/")
    return response.wsgi_request.user.get_username() if response.status_code == 200 else None


def test_a_user_without_an_authenticator_is_sent_to_set_it_up(client, people):
    response = password_step(client)
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/set-up/"
    page = client.get("/sign-in/set-up/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 class="govuk-heading-l">Set up your authenticator app</h1>' in html
    # The QR code is inline SVG: nothing for the CSP to allow.
    qr = re.search(r'<svg[^>]*class="convene-qr"[^>]*>', html)
    assert qr is not None
    assert 'role="img"' in qr.group()
    assert "data:" not in html
    secret = TOTPDevice.objects.get(user=people["alice"]).bin_key
    assert b32encode(secret).decode().rstrip("=")[:4] in html
    # Not signed in until a code is given.
    assert signed_in_as(client) is None


def test_each_visit_to_the_set_up_page_makes_a_new_secret_and_discards_the_old(client, people):
    """Issue 12 point 5: a secret once seen with the password is worth nothing later."""
    password_step(client)
    client.get("/sign-in/set-up/")
    first = TOTPDevice.objects.get(user=people["alice"])
    client.get("/sign-in/set-up/")
    second = TOTPDevice.objects.get(user=people["alice"])  # one unconfirmed device, a new one
    assert second.pk != first.pk
    assert second.bin_key != first.bin_key


def test_a_secret_seen_in_another_session_cannot_be_confirmed(people):
    from tests.conftest import CheckedClient

    watcher, owner = CheckedClient(), CheckedClient()
    password_step(watcher)
    watcher.get("/sign-in/set-up/")
    seen = TOTPDevice.objects.get(user=people["alice"])
    code = code_for(seen)
    password_step(owner)
    owner.get("/sign-in/set-up/")  # alice sets up her own phone: the seen secret is gone
    assert not TOTPDevice.objects.filter(pk=seen.pk).exists()
    response = watcher.post("/sign-in/set-up/", {"code": code})
    assert response.status_code == 200
    assert "This set-up has expired" in response.content.decode()
    assert signed_in_as(watcher) is None
    assert not TOTPDevice.objects.filter(user=people["alice"], confirmed=True).exists()
    owner.get("/sign-in/set-up/")  # shown again: a new secret, which she adds and confirms
    mine = TOTPDevice.objects.get(user=people["alice"], confirmed=False)
    assert owner.post("/sign-in/set-up/", {"code": code_for(mine)})["Location"] == "/"


def test_a_correct_code_at_set_up_confirms_the_app_and_signs_in(client, people):
    password_step(client)
    client.get("/sign-in/set-up/")
    device = TOTPDevice.objects.get(user=people["alice"])
    assert not device.confirmed
    response = client.post("/sign-in/set-up/", {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert signed_in_as(client) == "alice"


def test_a_wrong_code_is_refused_with_an_error_summary(client, people):
    device = confirmed_device(people["alice"])
    password_step(client)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post("/sign-in/code/", {"code": wrong})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Enter the code from your authenticator app" in html
    assert 'class="govuk-error-summary"' in html
    assert "The code is not correct" in html
    assert 'href="#id_code"' in html
    assert signed_in_as(client) is None
    failed = AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED).get()
    assert failed.actor == people["alice"]
    assert "wrong authenticator code" in failed.summary


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "Enter the 6-digit code"), ("12345", "must be 6 digits"), ("abcdef", "must be 6 digits")],
)
def test_a_malformed_code_is_explained(client, people, code, message):
    confirmed_device(people["alice"])
    password_step(client)
    response = client.post("/sign-in/code/", {"code": code})
    assert message in response.content.decode()
    assert b"<title>Error: " in response.content


def test_a_correct_code_signs_in_and_is_audited(client, people):
    device = confirmed_device(people["alice"])
    response = password_step(client)
    assert response["Location"] == "/sign-in/code/"
    response = client.post("/sign-in/code/", {"code": code_for(device)})
    assert response.status_code == 302
    assert signed_in_as(client) == "alice"
    entry = AuditEntry.objects.filter(action=Action.SIGN_IN).get()
    assert entry.actor == people["alice"]
    assert "password and authenticator code" in entry.summary


def test_codes_may_be_typed_with_spaces(client, people):
    device = confirmed_device(people["alice"])
    password_step(client)
    code = code_for(device)
    client.post("/sign-in/code/", {"code": f"{code[:3]} {code[3:]}"})
    assert signed_in_as(client) == "alice"


def test_a_code_cannot_be_used_twice(client, people):
    device = confirmed_device(people["alice"])
    password_step(client)
    code = code_for(device)
    client.post("/sign-in/code/", {"code": code})
    client.post("/sign-out/")
    password_step(client)
    response = client.post("/sign-in/code/", {"code": code})
    assert b"The code is not correct" in response.content


def test_the_next_page_survives_both_steps(client, people, partnership):
    device = confirmed_device(people["alice"])
    client.get("/account/api-tokens/")
    password_step(client, next="/account/api-tokens/")
    response = client.post("/sign-in/code/", {"code": code_for(device)})
    assert response["Location"] == "/account/api-tokens/"


def test_an_outside_next_page_is_ignored(client, people):
    device = confirmed_device(people["alice"])
    password_step(client, next="https://evil.example/")
    response = client.post("/sign-in/code/", {"code": code_for(device)})
    assert response["Location"] == "/"


def test_with_an_authenticator_set_up_the_set_up_page_cannot_add_another(client, people):
    confirmed_device(people["alice"])
    password_step(client)
    response = client.get("/sign-in/set-up/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/code/"
    assert TOTPDevice.objects.filter(user=people["alice"]).count() == 1


@pytest.mark.parametrize("path", ["/sign-in/code/", "/sign-in/set-up/"])
def test_the_code_pages_need_a_password_first(client, people, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"


def test_the_gap_between_password_and_code_expires(client, people):
    device = confirmed_device(people["alice"])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        password_step(client)
        traveller.shift(6 * 60)
        response = client.post("/sign-in/code/", {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    assert signed_in_as(client) is None


def test_a_wrong_password_never_reaches_the_code_step(client, people):
    confirmed_device(people["alice"])
    password_step(client, password="wrong")
    assert client.get("/sign-in/code/")["Location"] == "/sign-in/"


def test_a_session_that_skipped_the_second_factor_is_ended(people):
    from django.test import Client

    plain = Client()
    plain.force_login(people["alice"])  # signed in without a verified device
    response = plain.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert plain.get("/").status_code == 302
    ended = AuditEntry.objects.filter(action=Action.SIGN_OUT).get()
    assert "had not passed two-factor" in ended.summary


def test_the_admin_login_form_is_not_a_way_round(client, people):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    # and a password-only session made there would be ended (previous test)


def test_sign_out_is_audited(client, people):
    client.force_login(people["bob"])
    client.post("/sign-out/")
    assert AuditEntry.objects.filter(action=Action.SIGN_OUT, actor=people["bob"]).exists()


# -- the development demo may skip the second factor; production may not ---------------


@override_settings(CONVENE_DEMO_SKIP_2FA=True)
def test_the_demo_setting_signs_in_with_a_password_only(client, people):
    response = password_step(client)
    assert response["Location"] == "/"
    assert signed_in_as(client) == "alice"
    entry = AuditEntry.objects.filter(action=Action.SIGN_IN).get()
    assert "two-factor skipped" in entry.summary


def test_production_refuses_to_start_with_the_demo_setting():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='convene.settings'; "
            "django.setup()",
        ],
        env=clean_environment(
            SECRET_KEY="k" * 10 + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
            ALLOWED_HOSTS="convene.example.gov.uk",
            CONVENE_DEMO_SKIP_2FA="true",
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "CONVENE_DEMO_SKIP_2FA" in result.stderr
