"""What a partnership admin does with webhooks: register an endpoint, pause or resume it,
and send a delivery that gave up once more. Each is audited."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from convene.api.models import WebhookDelivery, WebhookEndpoint
from convene.api.webhooks import EVENTS, secret_new, url_check
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.people.models import Partnership, Professional


@transaction.atomic
def webhook_endpoint_register(
    *, by: Professional, partnership: Partnership, name: str, url: str, events: list[str]
) -> WebhookEndpoint:
    """A new active endpoint with a new signing secret (shown to the admin once)."""
    url_check(url)
    unknown = set(events) - set(EVENTS)
    assert not unknown, unknown  # the form offers only known events
    endpoint = WebhookEndpoint.objects.create(
        partnership=partnership,
        name=name.strip(),
        url=url,
        events=sorted(events),
        secret=secret_new(),
        created_by=by,
    )
    audit_record(
        actor=by, action=Action.CREATE, obj=endpoint, summary=f"Registered webhook ‘{endpoint}’"
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_set_active(
    *, endpoint: WebhookEndpoint, active: bool, by: Professional
) -> None:
    """Pause (no new events are queued for it) or resume an endpoint."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if locked.active == active:
        return
    locked.active = active
    locked.save(update_fields=["active"])
    summary = f"{'Resumed' if active else 'Paused'} webhook ‘{locked}’"
    audit_record(actor=by, action=Action.CHANGE, obj=locked, summary=summary)


@transaction.atomic
def webhook_delivery_retry(*, delivery: WebhookDelivery, by: Professional, now: datetime) -> bool:
    """Send a delivery that gave up once more, at the next run of the worker.

    Its attempts start again from nought, so it gets the usual retries with back-off.
    Only a delivery that gave up can be retried; answers False for any other.
    """
    updated = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=WebhookDelivery.State.FAILED
    ).update(state=WebhookDelivery.State.PENDING, attempts=0, next_attempt_at=now)
    if updated:
        summary = f"Retried webhook delivery {delivery.pk} ({delivery.event})"
        audit_record(actor=by, action=Action.CHANGE, obj=delivery, summary=summary)
    return bool(updated)
