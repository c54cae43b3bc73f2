"""Fixtures for the notify tests: the convening fixtures, and a stub GOV.UK Notify server."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

from tests.convening import accepted_for, referral_for  # noqa: F401 - fixtures

SERVICE = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
KEY = f"convene_test-{SERVICE}-{SECRET}"


class StubNotify:
    """GOV.UK Notify's email endpoint, as far as the client sees it."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                token = self.headers["Authorization"].removeprefix("Bearer ")
                claims = jwt.decode(token, SECRET, algorithms=["HS256"])
                stub.requests.append({"path": self.path, "claims": claims, "body": body})
                status, answer = stub.answers.pop(0) if stub.answers else (201, {"id": "n-1"})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, status: int, errors: list[str]) -> None:
        self.answers.append(
            (
                status,
                {
                    "status_code": status,
                    "errors": [{"error": "BadRequestError", "message": m} for m in errors],
                },
            )
        )


@pytest.fixture
def notify():
    stub = StubNotify()
    thread = threading.Thread(target=stub.server.serve_forever, daemon=True)
    thread.start()
    yield stub
    stub.server.shutdown()
    stub.server.server_close()


@pytest.fixture
def notify_settings(settings, notify):
    settings.EMAIL_BACKEND = "convene.notify.backends.NotifyEmailBackend"
    settings.NOTIFY_API_KEY = KEY
    settings.NOTIFY_TEMPLATE_ID = "tmpl-1"
    settings.NOTIFY_BASE_URL = notify.url
    return settings
