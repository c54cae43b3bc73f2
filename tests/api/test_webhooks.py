"""Webhooks: signed events to a local receiver, retried on failure, given up after N, logged."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from convene.api.models import WebhookDelivery, WebhookEndpoint
from convene.api.webhooks import (
    SIGNATURE_HEADER,
    secret_new,
    signature_verify,
    url_check,
    webhooks_send,
)
from convene.clocks.services import clocks_sweep
from tests.convening import accepted_referral

pytestmark = pytest.mark.django_db


class Receiver(BaseHTTPRequestHandler):
    statuses: list[int] = []
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        status = type(self).statuses.pop(0) if type(self).statuses else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[Receiver]]]:
    Receiver.statuses, Receiver.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", Receiver
    server.shutdown()


@pytest.fixture
def endpoint(receiver, partnership) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        partnership=partnership, name="Case system", url=receiver[0], secret=secret_new()
    )


def test_a_triaged_referral_is_sent_signed_with_ids_only(
    endpoint, receiver, people, partnership, agencies
):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event == "referral.triaged"
    now = timezone.now()
    assert webhooks_send(now=now) == {"sent": 1, "retrying": 0, "failed": 0}
    headers, body = receiver[1].received[0]
    assert signature_verify(endpoint.secret, body, headers[SIGNATURE_HEADER], now=now)
    assert not signature_verify("whsec_wrong", body, headers[SIGNATURE_HEADER], now=now)
    later = now + timedelta(hours=1)
    assert not signature_verify(endpoint.secret, body, headers[SIGNATURE_HEADER], now=later)
    event = json.loads(body)
    assert event["event"] == "referral.triaged"
    assert event["data"] == {
        "referral_id": referral.pk,
        "reference": referral.reference,
        "pathway": referral.chosen_pathway,
    }
    for child in referral.children.all():  # ids and references only, never a name
        assert child.last_name not in body.decode()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("sent", 1, 200)


def test_a_500_is_retried_and_gives_up_after_the_last_attempt(
    endpoint, receiver, people, partnership, agencies, settings
):
    settings.CONVENE_WEBHOOK_MAX_ATTEMPTS = 3
    receiver[1].statuses = [500, 500, 500]
    accepted_referral(people=people, partnership=partnership, agencies=agencies)
    now = timezone.now()
    assert webhooks_send(now=now)["retrying"] == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 500")
    assert webhooks_send(now=now)["retrying"] == 0, "not due again until the back-off passes"
    assert webhooks_send(now=now + timedelta(minutes=1))["retrying"] == 1
    assert webhooks_send(now=now + timedelta(minutes=10)) == {
        "sent": 0,
        "retrying": 0,
        "failed": 1,
    }
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 3)
    assert len(receiver[1].received) == 3
    assert webhooks_send(now=now + timedelta(days=1))["failed"] == 0  # given up: left alone


def test_a_retry_after_a_500_succeeds(endpoint, receiver, people, partnership, agencies):
    receiver[1].statuses = [500]
    accepted_referral(people=people, partnership=partnership, agencies=agencies)
    now = timezone.now()
    webhooks_send(now=now)
    assert webhooks_send(now=now + timedelta(minutes=1))["sent"] == 1
    assert WebhookDelivery.objects.get().state == "sent"


def test_a_breached_clock_and_only_the_events_chosen(
    endpoint, receiver, people, partnership, agencies
):
    endpoint.events = ["clock.breached"]
    endpoint.save()
    accepted_referral(people=people, partnership=partnership, agencies=agencies)
    assert not WebhookDelivery.objects.exists()
    later = timezone.now() + timedelta(days=30)
    clocks_sweep(now=later)
    assert WebhookDelivery.objects.filter(event="clock.breached").exists()
    assert webhooks_send(now=later)["sent"] >= 1


def test_only_https_outside_development(settings):
    url_check("https://case.example.gov.uk/hook")
    url_check("http://127.0.0.1:9000/hook")  # tests and development
    settings.CONVENE_WEBHOOK_ALLOW_LOCAL_HTTP = False
    with pytest.raises(ValidationError):
        url_check("http://127.0.0.1:9000/hook")
    with pytest.raises(ValidationError):
        url_check("http://case.example.gov.uk/hook")
