"""Issue 14: `convene serve --production` end to end, as an IT team would run it.

No container runtime is needed: the test runs the same entry point the Containerfile
does (`convene serve --production`: gunicorn with several processes, WhiteNoise with
hashed, compressed static files, and `convene worker` beside it) on a free port,
against the test database (PostgreSQL when DATABASE_URL names one, otherwise a SQLite
file copied from the migrated test database), then signs in with a password and an
authenticator code, loads a page, checks /healthz, /readyz (worker heartbeat seen), the
JSON request log and a graceful shutdown on SIGTERM.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.load import server_command
from convene.people.models import Professional
from tests.totp import code_for

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple 42"
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')
# About 10 s on an idle 2-core machine; generous, for a machine busy with other tests.
STARTUP_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url(tmp_path: Path) -> str:
    """The test database, reachable by other processes."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        return (
            f"postgresql://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    # The SQLite test database lives in memory: copy it, migrated and committed, to a file.
    path = tmp_path / "convene.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    return f"sqlite:///{path}"


class Browser:
    """Just enough of a browser: keeps cookies (Secure ones too, over plain HTTP to the
    test server, as the TLS-terminating proxy in front of it would) and follows nothing."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = urlencode(form).encode() if form is not None else None
        sent = {"Host": "127.0.0.1", **headers}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        content = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    def submit(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        status, _, page = self.request("GET", path)
        assert status == 200, (path, status)
        hidden = dict(HIDDEN.findall(page.decode()))
        return self.request("POST", path, {**hidden, **fields})


def _wait_until_ready(
    browser: Browser, server: subprocess.Popen[bytes], log_path: Path
) -> dict[str, Any]:
    deadline = time.monotonic() + STARTUP_SECONDS
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        assert server.poll() is None, "convene serve --production exited early"
        try:
            status, _, body = browser.request("GET", "/readyz")
        except OSError:
            time.sleep(0.5)
            continue
        last = {"status": status, **json.loads(body)}
        if status == 200:
            return last
        time.sleep(0.5)
    raise AssertionError(f"/readyz never became ready: {last}\n{log_path.read_text()[-3000:]}")


@pytest.mark.django_db(transaction=True)
def test_production_server_serves_signs_in_and_reports_ready(tmp_path: Path) -> None:
    user = Professional.objects.create(
        username="prod.tester",
        first_name="Synthetic",
        last_name="Tester",
        # The production server uses Django's default hashers, not the tests' fast MD5.
        password=PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1000),
    )
    device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONVENE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="convene.settings",
        CONVENE_DEVELOPMENT="false",
        DEBUG="false",
        SECRET_KEY="production-serving-test-" + "k" * 40,
        CONVENE_AUDIT_KEY="production-serving-audit-" + "a" * 20,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=_database_url(tmp_path),
        STATIC_ROOT=str(tmp_path / "static"),
        CONVENE_AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.log"),
        CONVENE_HEARTBEAT_SECONDS="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_FORMAT="json",
        WEB_CONCURRENCY="2",
        CONVENE_GRACEFUL_SECONDS="10",
    )
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            # The test database is migrated already; /readyz checks that it is.
            server_command(None, port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    browser = Browser(port)
    started = time.monotonic()
    try:
        ready = _wait_until_ready(browser, server, log_path)
        print(f"ready after {time.monotonic() - started:.1f} s")
        assert ready["checks"] == {"database": True, "migrations": True, "worker": True}

        status, _, body = browser.request("GET", "/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok"})

        # Static files: hashed names, compressed, cached for a year (WhiteNoise).
        status, _, page = browser.request("GET", "/sign-in/")
        assert status == 200
        css = re.search(r'href="(/static/govuk-frontend/[^"]+\.[0-9a-f]{12}\.css)"', page.decode())
        assert css, "the stylesheet is not served under a hashed name"
        status, headers, _ = browser.request("GET", css.group(1), **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers.get("content-encoding") == "gzip"
        assert "immutable" in headers.get("cache-control", "")

        # Sign in: password, then the authenticator code; then a page as that person.
        status, headers, _ = browser.submit(
            "/sign-in/", {"username": user.username, "password": PASSWORD}
        )
        assert (status, headers.get("location")) == (302, "/sign-in/code/")
        status, headers, _ = browser.submit("/sign-in/code/", {"code": code_for(device)})
        assert status == 302, status
        status, headers, _ = browser.request("GET", "/", **{"X-Request-ID": "test-request-1"})
        assert status == 200
        assert headers.get("x-request-id") == "test-request-1"
    finally:
        # Graceful shutdown: SIGTERM to `convene serve`, which stops gunicorn and the worker.
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            raise
    output = log_path.read_text()
    assert code == 0, output[-3000:]
    assert "Shutting down: Master" in output

    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    home = [line for line in lines if line.get("request_id") == "test-request-1"]
    assert len(home) == 1, lines[-10:]
    assert home[0]["route"] == "people:home"
    assert home[0]["user_id"] == user.pk
    assert home[0]["status"] == 200
    assert home[0]["duration_ms"] >= 0
    assert {"time", "level", "method"} <= home[0].keys()
    assert any(line.get("logger") == "convene.task" for line in lines), "no task line logged"
    # Never a name in the logs, nor what anyone typed.
    for secret in (user.username, user.first_name, user.last_name, PASSWORD):
        assert secret not in output
