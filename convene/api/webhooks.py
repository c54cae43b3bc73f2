"""Webhooks: a partnership's case system is told, by a signed JSON POST, when something happens.

Events (docs/api.md): ``referral.triaged``, ``discussion.held``, ``record.authorised``,
``record.distributed``, ``s47.decided`` (an authorised record decided a S47 enquiry) and
``clock.breached``. They are heard where they happen, through signals the lower apps send
(``referral_triaged``, ``clocks_breached``) and the discussion's state moves (every move is
one save of ``state``, ``convene.discussions.transitions``), so no lower app imports this one.

An event becomes one ``WebhookDelivery`` row per active endpoint of the partnership, in
the transaction that made it happen (rolled back with it), keyed so that it is sent once.
The worker sends them (``webhooks_send``, queued after commit and every minute) with
back-off between attempts; after ``CONVENE_WEBHOOK_MAX_ATTEMPTS`` it gives up and the
delivery log shows the last error. An event carries ids and references only: never a
child's name or any free text.

Signature: ``Convene-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``
with the endpoint's secret; a receiver recomputes it and refuses an old ``t``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from convene.api.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

# Each event and how the webhooks page names it.
EVENT_LABELS = {
    "referral.triaged": "A referral is triaged",
    "discussion.held": "A strategy discussion is held",
    "record.authorised": "A record is authorised",
    "record.distributed": "A record is sent out",
    "s47.decided": "A record decides a section 47 enquiry",
    "clock.breached": "A timescale is missed",
}
EVENTS = tuple(EVENT_LABELS)
SIGNATURE_HEADER = "Convene-Signature"
TIMEOUT_SECONDS = 10
BATCH = 100
# Rows per INSERT when many events are queued at once.
BULK_BATCH = 500
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def secret_new() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def url_check(url: str) -> None:
    """https:// only; plain http:// to this machine in development and tests."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    local = parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
    if local and settings.CONVENE_WEBHOOK_ALLOW_LOCAL_HTTP:
        return
    raise ValidationError("Enter an https:// address: events are only sent encrypted")


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signature_verify(
    secret: str, body: bytes, header: str, *, now: datetime, tolerance: int = 300
) -> bool:
    """What a receiver does (and the tests): the HMAC matches, and it is recent."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now.timestamp() - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), header)


def event_record(
    *, event: str, key: str, partnership_id: int, data: dict[str, Any], now: datetime
) -> int:
    """Queue ``event`` for every active endpoint of the partnership that wants it."""
    return events_record(event=event, happened=[(key, partnership_id, data)], now=now)


def events_record(
    *, event: str, happened: list[tuple[str, int, dict[str, Any]]], now: datetime
) -> int:
    """Queue ``event`` for each ``(key, partnership id, data)`` that happened, for every active
    endpoint of its partnership that wants it: a fixed number of queries however many
    happened (the sweep breaches a thousand clocks at once). Each event is queued once per
    endpoint: a key already queued is left as it is."""
    assert event in EVENTS, event
    partnerships = {partnership_id for _, partnership_id, _ in happened}
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(partnership__in=partnerships, active=True):
        if not endpoint.events or event in endpoint.events:
            endpoints.setdefault(endpoint.partnership_id, []).append(endpoint)
    wanted = {
        (endpoint.pk, f"{event}:{key}"): (endpoint, data)
        for key, partnership_id, data in happened
        for endpoint in endpoints.get(partnership_id, [])
    }
    if not wanted:
        return 0
    keys = sorted({key for _, key in wanted})
    queued: set[tuple[int, str]] = set()
    for start in range(0, len(keys), BULK_BATCH):
        queued.update(
            WebhookDelivery.objects.filter(
                endpoint__in={endpoint_id for endpoint_id, _ in wanted},
                key__in=keys[start : start + BULK_BATCH],
            ).values_list("endpoint_id", "key")
        )
    payload_of = {"event": event, "occurred_at": now.isoformat()}
    made = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                key=key,
                event=event,
                payload={**payload_of, "data": data},
                next_attempt_at=now,
            )
            for (endpoint_id, key), (endpoint, data) in wanted.items()
            if (endpoint_id, key) not in queued
        ],
        batch_size=BULK_BATCH,
        # Another worker may queue the same event meanwhile: it is sent once all the same.
        ignore_conflicts=True,
    )
    if made:
        from convene.api.tasks import send_webhooks

        transaction.on_commit(send_webhooks.enqueue)
    return len(made)


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8... minutes after each failure, at most six hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def _post(delivery: WebhookDelivery, now: datetime) -> tuple[int | None, str]:
    body = json.dumps(
        {"id": delivery.pk, **delivery.payload}, sort_keys=True, separators=(",", ":")
    ).encode()
    # The address was checked when registered: https://, or http:// to this machine in dev.
    request = urllib.request.Request(  # noqa: S310
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Convene-Webhooks/1",
            "Convene-Event": delivery.event,
            "Convene-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: sign(delivery.endpoint.secret, body, int(now.timestamp())),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as refused:
        return refused.code, f"HTTP {refused.code}"
    except (urllib.error.URLError, OSError) as failed:
        return None, str(getattr(failed, "reason", failed))[:500]


def webhooks_send(*, now: datetime) -> dict[str, int]:
    """Send the deliveries due now; each attempt is saved at once (its own transaction)."""
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    due = WebhookDelivery.objects.select_related("endpoint").filter(
        state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now
    )
    for delivery in due.order_by("next_attempt_at", "pk")[:BATCH]:
        with transaction.atomic():
            locked = (
                WebhookDelivery.objects.select_for_update(skip_locked=True)
                .select_related("endpoint")
                .filter(pk=delivery.pk, state=WebhookDelivery.State.PENDING)
                .first()
            )
            if locked is None:
                continue  # another worker has it
            status, problem = _post(locked, now)
            locked.attempts += 1
            locked.last_status = status
            if status is not None and 200 <= status < 300:
                locked.state = WebhookDelivery.State.SENT
                locked.sent_at = now
                locked.last_error = ""
                counts["sent"] += 1
            elif locked.attempts >= settings.CONVENE_WEBHOOK_MAX_ATTEMPTS:
                locked.state = WebhookDelivery.State.FAILED
                locked.last_error = problem
                counts["failed"] += 1
                logger.warning("Webhook %s gave up after %s attempts", locked.pk, locked.attempts)
            else:
                locked.last_error = problem
                locked.next_attempt_at = now + _backoff(locked.attempts)
                counts["retrying"] += 1
            locked.save()
    return counts


# --- where events happen ----------------------------------------------------------------


def on_referral_triaged(sender: Any, *, referral: Model, now: datetime, **_: Any) -> None:
    event_record(
        event="referral.triaged",
        key=str(referral.pk),
        partnership_id=referral.partnership_id,  # type: ignore[attr-defined]
        data={
            "referral_id": referral.pk,
            "reference": referral.reference,  # type: ignore[attr-defined]
            "pathway": referral.chosen_pathway,  # type: ignore[attr-defined]
        },
        now=now,
    )


def on_clocks_breached(sender: Any, *, clocks: list[Any], now: datetime, **_: Any) -> None:
    events_record(
        event="clock.breached",
        happened=[
            (
                str(clock.pk),
                clock.partnership_id,
                {
                    "clock_id": clock.pk,
                    "kind": clock.kind,
                    "rule_id": clock.rule_id,
                    "due_at": clock.due_at.isoformat(),
                    # From the content type cache: no query per clock.
                    "subject_type": ContentType.objects.get_for_id(clock.subject_type_id).model,
                    "subject_id": clock.subject_id,
                },
            )
            for clock in clocks
        ],
        now=now,
    )


def on_discussion_saved(sender: Any, *, instance: Any, update_fields: Any = None, **_: Any) -> None:
    """A move of the discussion's state (``discussion_transition`` saves ``state``)."""
    if not update_fields or "state" not in update_fields:
        return
    from convene.records.models import RecordVersion

    state = instance.state
    if state not in {"held", "authorised", "distributed"}:
        return
    now = timezone.now()
    data: dict[str, Any] = {"discussion_id": instance.pk, "reference": instance.reference}
    key = f"{instance.pk}:{instance.version}"
    if state == "held":
        event_record(
            event="discussion.held",
            key=key,
            partnership_id=instance.partnership_id,
            data=data,
            now=now,
        )
        return
    version = RecordVersion.objects.filter(record__discussion=instance).order_by("-number").first()
    if version is None:
        return
    data = {**data, "version": version.number, "decision": version.decision}
    event = "record.authorised" if state == "authorised" else "record.distributed"
    key = f"{instance.pk}:{version.number}"
    event_record(event=event, key=key, partnership_id=instance.partnership_id, data=data, now=now)
    if state == "authorised" and version.decision in {"s47_single_agency", "s47_joint"}:
        event_record(
            event="s47.decided", key=key, partnership_id=instance.partnership_id, data=data, now=now
        )


def connect() -> None:
    """Called once by the app's ``ready``."""
    from django.db.models.signals import post_save

    from convene.clocks.signals import clocks_breached
    from convene.discussions.models import Discussion
    from convene.referrals.signals import referral_triaged

    referral_triaged.connect(on_referral_triaged, dispatch_uid="webhooks-triaged")
    clocks_breached.connect(on_clocks_breached, dispatch_uid="webhooks-breached")
    post_save.connect(on_discussion_saved, sender=Discussion, dispatch_uid="webhooks-discussion")
