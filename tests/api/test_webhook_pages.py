"""The "Webhooks" pages: a partnership admin registers, pauses and retries webhooks (issue 14)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from convene.api.models import WebhookDelivery, WebhookEndpoint
from convene.api.webhooks import event_record, secret_new
from convene.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

GOOD = {"name": "Riverside case system", "url": "https://cases.example.org/convene/events"}


def _endpoint(partnership, **more) -> WebhookEndpoint:
    fields = {"name": "Case system", "url": "https://cases.example.org/hook", **more}
    return WebhookEndpoint.objects.create(partnership=partnership, secret=secret_new(), **fields)


def _failed_delivery(endpoint: WebhookEndpoint) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="clock.breached",
        key="clock.breached:1",
        payload={"event": "clock.breached", "data": {"clock_id": 1}},
        state=WebhookDelivery.State.FAILED,
        attempts=6,
        last_status=503,
        last_error="HTTP 503",
        next_attempt_at=timezone.now(),
    )


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(client, people, partnership):
    client.force_login(people["admin"])
    data = {**GOOD, "partnership": partnership.pk, "events": ["record.authorised", "s47.decided"]}
    response = client.post("/account/webhooks/", data)
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.partnership == partnership
    assert endpoint.events == ["record.authorised", "s47.decided"]
    assert endpoint.active
    assert endpoint.created_by == people["admin"]
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    assert AuditEntry.objects.filter(summary__startswith="Registered webhook").count() == 1
    # Never again: not on the list, not on the endpoint's own page.
    assert endpoint.secret not in client.get("/account/webhooks/").content.decode()
    detail = client.get(f"/account/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret not in detail
    assert "A record is authorised" in detail
    assert "Riverside case system" in detail


def test_every_mistake_is_shown_at_once_and_nothing_is_registered(client, people, partnership):
    client.force_login(people["admin"])
    response = client.post(
        "/account/webhooks/",
        {"partnership": partnership.pk, "name": "", "url": "http://cases.example.org/hook"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the name of the system that receives the events" in html
    assert "Enter an https:// address" in html
    assert not WebhookEndpoint.objects.exists()


def test_an_unknown_event_is_refused(client, people, partnership):
    client.force_login(people["admin"])
    data = {**GOOD, "partnership": partnership.pk, "events": ["child.named"]}
    html = client.post("/account/webhooks/", data).content.decode()
    assert "Choose events from the list" in html
    assert not WebhookEndpoint.objects.exists()


def test_another_partnership_cannot_be_chosen(client, people, partnership, neighbour):
    client.force_login(people["admin"])
    html = client.post("/account/webhooks/", {**GOOD, "partnership": neighbour.pk}).content
    assert "Choose one of your partnerships" in html.decode()
    assert not WebhookEndpoint.objects.exists()


def test_only_partnership_admins_use_the_pages(client, people, partnership):
    endpoint = _endpoint(partnership)
    for username in ("alice", "bob", "carol", "ivy"):
        client.force_login(people[username])
        assert client.get("/account/webhooks/").status_code == 403
        assert client.get(f"/account/webhooks/{endpoint.pk}/").status_code == 403
    client.force_login(people["bob"])
    assert b"/account/webhooks/" not in client.get("/").content


def test_the_admin_sees_only_their_partnerships_endpoints(client, people, partnership, neighbour):
    ours = _endpoint(partnership, name="Riverside system")
    theirs = _endpoint(neighbour, name="Northvale system")
    client.force_login(people["admin"])
    html = client.get("/account/webhooks/").content.decode()
    assert "Riverside system" in html
    assert "Northvale system" not in html
    assert client.get(f"/account/webhooks/{theirs.pk}/").status_code == 404
    assert (
        client.post(f"/account/webhooks/{theirs.pk}/active/", {"active": "false"}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.active
    assert client.get(f"/account/webhooks/{ours.pk}/").status_code == 200


def test_a_paused_endpoint_is_sent_no_new_events_until_resumed(client, people, partnership):
    endpoint = _endpoint(partnership)
    client.force_login(people["admin"])
    response = client.post(f"/account/webhooks/{endpoint.pk}/active/", {"active": "false"})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.active
    now = timezone.now()
    event = {"event": "clock.breached", "partnership_id": partnership.pk, "data": {}, "now": now}
    assert event_record(key="1", **event) == 0
    client.post(f"/account/webhooks/{endpoint.pk}/active/", {"active": "true"})
    endpoint.refresh_from_db()
    assert endpoint.active
    assert event_record(key="2", **event) == 1
    summaries = list(AuditEntry.objects.values_list("summary", flat=True).order_by("pk"))
    assert summaries[-2:] == [f"Paused webhook ‘{endpoint}’", f"Resumed webhook ‘{endpoint}’"]


def test_a_delivery_that_gave_up_is_tried_again(client, people, partnership):
    delivery = _failed_delivery(_endpoint(partnership))
    client.force_login(people["admin"])
    html = client.get(f"/account/webhooks/{delivery.endpoint_id}/").content.decode()
    assert "Gave up" in html
    assert "HTTP 503" in html
    assert "A timescale is missed" in html
    response = client.post(f"/account/webhooks/deliveries/{delivery.pk}/retry/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.PENDING
    assert delivery.attempts == 0
    # A second retry of one now waiting changes nothing and says so.
    response = client.post(f"/account/webhooks/deliveries/{delivery.pk}/retry/", follow=True)
    assert "has not given up" in response.content.decode()
    assert AuditEntry.objects.filter(summary__startswith="Retried webhook").count() == 1


def test_another_partnerships_delivery_is_not_found(client, people, neighbour):
    delivery = _failed_delivery(_endpoint(neighbour))
    client.force_login(people["admin"])
    assert client.post(f"/account/webhooks/deliveries/{delivery.pk}/retry/").status_code == 404
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.FAILED


def test_the_delivery_log_is_paginated(client, people, partnership):
    endpoint = _endpoint(partnership)
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event="referral.triaged",
            key=f"referral.triaged:{n}",
            payload={},
            next_attempt_at=timezone.now(),
        )
        for n in range(30)
    )
    client.force_login(people["admin"])
    first = client.get(f"/account/webhooks/{endpoint.pk}/").content.decode()
    assert first.count("A referral is triaged") == 25
    assert "Page 1 of 2" in first
    second = client.get(f"/account/webhooks/{endpoint.pk}/?page=2").content.decode()
    assert second.count("A referral is triaged") == 5
