"""Single sign-on providers come from the environment; a missing piece stops start-up."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.core.test_settings_startup import clean_environment

PROBE = (
    "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE']='convene.settings'; "
    "django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.CONVENE_OIDC_PROVIDERS))"
)
DEV = {"CONVENE_DEVELOPMENT": "true", "DEBUG": "true"}


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean_environment(**DEV, **env),
        capture_output=True,
        text=True,
        check=False,
    )


def test_two_providers_side_by_side_with_secrets_read_from_files(tmp_path):
    secret = tmp_path / "council-secret"
    secret.write_text("s3cret-from-a-file\n")
    police = tmp_path / "police-secret"
    police.write_text("other")
    result = _start(
        CONVENE_OIDC_PROVIDERS="council, police",
        CONVENE_OIDC_COUNCIL_ISSUER="https://login.example.org/tenant/v2.0/",
        CONVENE_OIDC_COUNCIL_CLIENT_ID="abc",
        CONVENE_OIDC_COUNCIL_CLIENT_SECRET_FILE=str(secret),
        CONVENE_OIDC_COUNCIL_LABEL="Riverside Council",
        CONVENE_OIDC_COUNCIL_TRUST_MFA="true",
        CONVENE_OIDC_COUNCIL_MFA_ACR="urn:a, urn:b",
        CONVENE_OIDC_POLICE_ISSUER="https://idp.police.example",
        CONVENE_OIDC_POLICE_CLIENT_ID="def",
        CONVENE_OIDC_POLICE_CLIENT_SECRET_FILE=str(police),
    )
    assert result.returncode == 0, result.stderr
    providers = json.loads(result.stdout.strip().splitlines()[-1])
    assert providers["council"] == {
        "issuer": "https://login.example.org/tenant/v2.0",
        "client_id": "abc",
        "client_secret": "s3cret-from-a-file",
        "label": "Riverside Council",
        "trust_mfa": True,
        "mfa_acr": ["urn:a", "urn:b"],
    }
    assert providers["police"]["label"] == "Police"
    assert providers["police"]["trust_mfa"] is False


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CONVENE_OIDC_PROVIDERS": "council"}, "CONVENE_OIDC_COUNCIL_ISSUER must be set"),
        (
            {"CONVENE_OIDC_PROVIDERS": "Council Two"},
            "must be lower-case letters and digits",
        ),
        (
            {
                "CONVENE_OIDC_PROVIDERS": "council",
                "CONVENE_OIDC_COUNCIL_ISSUER": "https://x.example",
                "CONVENE_OIDC_COUNCIL_CLIENT_ID": "abc",
                "CONVENE_OIDC_COUNCIL_CLIENT_SECRET_FILE": "/nonexistent/secret",
            },
            "CONVENE_OIDC_COUNCIL_CLIENT_SECRET_FILE: cannot read",
        ),
    ],
)
def test_an_incomplete_provider_stops_start_up_naming_the_variable(env, message):
    result = _start(**env)
    assert result.returncode != 0
    assert message in result.stderr
