"""Production start-up refuses insecure configuration, naming the variable."""

import os
import subprocess
import sys

import pytest

PROBE = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='convene.settings'; django.setup()"


def clean_environment(**env: str) -> dict[str, str]:
    """This process's environment without Convene's settings, plus ``env``.

    A good CONVENE_AUDIT_KEY is given unless ``env`` names one (``""`` for none).
    """
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "CONVENE_DEVELOPMENT",
            "CONVENE_DEMO_SKIP_2FA",
            "DEBUG",
            "SECRET_KEY",
            "CONVENE_AUDIT_KEY",
            "CONVENE_AUDIT_KEY_FILE",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests; never in production
        }
    }
    clean["CONVENE_AUDIT_KEY"] = "audit-" + "k" * 40
    clean.update(env)
    return clean


def _start(**env):
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be a random string"),
        (
            {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "a.example", "DEBUG": "true"},
            "DEBUG must be false",
        ),
        ({"SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS must list"),
        (
            {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "a.example", "CONVENE_AUDIT_KEY": ""},
            "CONVENE_AUDIT_KEY must be set",
        ),
        (
            {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "a.example", "CONVENE_AUDIT_KEY": "short"},
            "CONVENE_AUDIT_KEY must be a random string",
        ),
        (
            {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "a.example", "DATABASE_URL": "nope"},
            "DATABASE_URL must be",
        ),
    ],
)
def test_production_refuses_bad_settings(env, message):
    result = _start(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_good_settings():
    result = _start(SECRET_KEY="x" * 60, ALLOWED_HOSTS="convene.example.gov.uk")
    assert result.returncode == 0, result.stderr


def test_issue12_the_audit_key_may_come_from_a_file(tmp_path):
    key_file = tmp_path / "audit-key"
    key_file.write_text("f" * 40 + "\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE + "; from django.conf import settings as s; print(s.CONVENE_AUDIT_KEY)",
        ],
        env=clean_environment(
            SECRET_KEY="x" * 60,
            ALLOWED_HOSTS="convene.example.gov.uk",
            CONVENE_AUDIT_KEY="",
            CONVENE_AUDIT_KEY_FILE=str(key_file),
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "f" * 40, result.stderr


def test_the_command_line_reports_a_bad_setting_in_one_line():
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    clean.update(CONVENE_DEVELOPMENT="true", DEBUG="perhaps")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "convene: configuration error: DEBUG must be true or false, not 'perhaps'"
    )
