"""Background tasks of the API app, run by ``convene worker``."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from convene.api.webhooks import webhooks_send


@task()
def send_webhooks() -> dict[str, int]:
    """Send the webhook deliveries due now: queued after an event, and every minute (retries)."""
    return webhooks_send(now=timezone.now())
