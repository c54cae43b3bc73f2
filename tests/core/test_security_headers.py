"""Headers every response carries: CSP, framing, sniffing, referrer, caching, HSTS."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.core.test_settings_startup import clean_environment

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize("path", ["/sign-in/", "/"])
def test_a_strict_content_security_policy_is_sent(client, people, path):
    client.force_login(people["alice"])
    csp = _directives(client.get(path)["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    assert not any("unsafe" in value for values in csp.values() for value in values)


def test_only_the_api_docs_may_show_data_images(client, people):
    client.force_login(people["alice"])
    response = client.get("/api/docs")
    assert response.status_code == 200
    csp = _directives(response["Content-Security-Policy"])
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["script-src"] == ["'self'"]


def test_pages_cannot_be_framed_sniffed_or_cached(client, people):
    client.force_login(people["alice"])
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"  # script without src
    r"|\sstyle=|<style|\son[a-z]+=|javascript:",  # style attributes, handlers, js: URLs
    re.IGNORECASE,
)


def test_templates_hold_no_inline_script_or_style():
    offenders = [
        str(template.relative_to(ROOT))
        for template in ROOT.glob("convene/**/templates/**/*.html")
        if INLINE.search(template.read_text())
    ]
    assert offenders == []


def test_the_inline_check_would_catch_inline_code():
    for html in (
        "<script>x()</script>",
        '<script type="module">x()</script>',
        '<p style="color:red">',
        '<a onclick="x()">',
        '<a href="javascript:x()">',
    ):
        assert INLINE.search(html), html
    assert not INLINE.search('<script type="module" src="/static/x.mjs"></script>')


def test_cross_origin_opener_policy(client):
    assert client.get("/sign-in/")["Cross-Origin-Opener-Policy"] == "same-origin"


@override_settings(
    SECURE_HSTS_SECONDS=63072000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_hsts_is_sent_over_https(client):
    response = client.get("/sign-in/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=63072000; includeSubDomains; preload")


def test_check_deploy_is_clean_under_production_settings():
    env = clean_environment(
        SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="convene.example.gov.uk"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "CONVENE_DEVELOPMENT" not in env
