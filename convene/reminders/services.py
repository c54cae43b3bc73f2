"""Deciding, sending and retrying deliveries; marking notifications read; periodic tasks.

Exactly once, in two halves (docs/decisions/0003-exactly-once-delivery.md):

- *Deciding* is idempotent: :func:`deliveries_decide` runs in the caller's
  transaction (the one that raised the escalation or found the reminder due)
  and the unique constraint on (source, kind, channel, recipient) means a
  second decision, by a second worker or a second sweep, adds nothing.
- *Sending* records the attempt before it sends and the result after
  (:func:`deliveries_send`). A delivery whose attempt started but was never
  recorded (the worker died in between) is "in doubt" once its lease runs
  out. If the email back end can say whether a Message-ID went out
  (``was_sent``), it is asked and a sent message is recorded, not resent;
  otherwise it is sent again under the same Message-ID: at least once, with
  a key the receiving side can de-duplicate on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from convene.audit.services import audit_sent
from convene.core.templatetags.plain import email_text
from convene.notify.email import EmailRejected
from convene.people.models import Agency, Partnership, Professional
from convene.reminders.keys import time_ordered_uuid
from convene.reminders.models import Delivery, PeriodicRun
from convene.reminders.outbox import attachments_of, email_kinds
from convene.reminders.outbox_insert import deliveries_insert, delivery_unsaved
from convene.reminders.sources import still_due

__all__ = [
    "SendReport",
    "deliveries_decide",
    "deliveries_send",
    "delivery_email",
    "delivery_retry",
    "new_delivery",
    "notifications_mark_read",
    "periodic_enqueue_due",
    "retry_delay",
    "slot_start",
]

logger = logging.getLogger(__name__)

_MAX_ERROR = 2000
_PERIODIC_KEEP = timedelta(days=7)


class DeliveryError(RuntimeError):
    """The email back end did not take a message."""


@dataclass
class SendReport:
    sent: int = 0
    recovered: int = 0  # in doubt, and the back end confirmed it had gone: not resent
    retried: int = 0  # failed this time, to be tried again later
    failed: int = 0  # failed for the last time
    withdrawn: int = 0  # no longer wanted when its turn came: not sent
    skipped: int = 0  # a reminder of something done before its turn came: not sent

    def as_dict(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "recovered": self.recovered,
            "retried": self.retried,
            "failed": self.failed,
            "withdrawn": self.withdrawn,
            "skipped": self.skipped,
        }


def _message_domain() -> str:
    _, _, domain = str(settings.DEFAULT_FROM_EMAIL).rpartition("@")
    return domain.strip(" >") or "convene.invalid"


def new_delivery(**fields: Any) -> Delivery:
    """An unsaved delivery with its idempotency key and Message-ID, fixed from now on."""
    return _new_delivery(_message_domain(), fields)


def _new_delivery(domain: str, fields: Mapping[str, Any]) -> Delivery:
    key = time_ordered_uuid()
    return delivery_unsaved(key=key, message_id=f"<{key}@{domain}>", **fields)


@transaction.atomic
def deliveries_decide(
    *,
    partnership: Partnership,
    source: models.Model,
    kind: str,
    professionals: Iterable[Professional],
    agencies: Iterable[Agency] = (),
    subject: str,
    body: str,
    link: str,
    now: datetime,
) -> int:
    """Record that ``kind`` about ``source`` goes to these people and agencies; return how many new.

    Each active professional gets an in-app notification and, when they have
    an address, an email; each agency with an address (a team inbox) an
    email. Runs in the caller's transaction; deciding again adds nothing.
    """
    source_type = ContentType.objects.get_for_model(source)
    existing = set(
        Delivery.objects.filter(
            source_type=source_type, source_id=source.pk, kind=kind
        ).values_list("channel", "recipient_key")
    )
    rows = delivery_rows(
        partnership=partnership,
        source=source,
        kind=kind,
        professionals=professionals,
        agencies=agencies,
        subject=subject,
        body=body,
        link=link,
        now=now,
        existing=existing,
    )
    # A second worker deciding the same thing at the same moment loses quietly
    # to the unique constraint (ON CONFLICT DO NOTHING / INSERT OR IGNORE).
    deliveries_insert(rows)
    return len(rows)


def delivery_rows(
    *,
    partnership: Partnership,
    source: models.Model,
    kind: str,
    professionals: Iterable[Professional],
    agencies: Iterable[Agency] = (),
    subject: str,
    body: str,
    link: str,
    now: datetime,
    existing: set[tuple[str, str]],
) -> list[Delivery]:
    """The rows ``deliveries_decide`` inserts, not saved: those not already in ``existing``
    (``(channel, recipient_key)`` pairs; a new source has none). For a caller that
    inserts the rows of many sources at once (issue 15: a sweep batch)."""
    source_type = ContentType.objects.get_for_model(source)
    existing = set(existing)
    base_url = str(settings.SITE_URL).rstrip("/")
    domain = _message_domain()  # once, not per row
    # The email says what happened first; the rule it follows comes last, in plain words.
    email_body = email_text(body, link=f"{base_url}{link}" if link else "")
    common: dict[str, Any] = {
        "partnership": partnership,
        "source_type": source_type,
        "source_id": source.pk,
        "kind": kind,
        "subject": subject[:200],
        "link": link[:300],
        "decided_at": now,
    }
    rows: list[Delivery] = []

    def add(channel: str, recipient_key: str, **fields: Any) -> None:
        if (channel, recipient_key) in existing:
            return
        existing.add((channel, recipient_key))
        fields.update(common, channel=channel, recipient_key=recipient_key)
        rows.append(_new_delivery(domain, fields))

    for person in professionals:
        if not person.is_active:
            continue
        key = f"professional:{person.pk}"
        add(
            Delivery.Channel.IN_APP,
            key,
            recipient=person,
            body=body,
            state=Delivery.State.SENT,
            sent_at=now,
        )
        if person.email:
            add(
                Delivery.Channel.EMAIL,
                key,
                recipient=person,
                to_address=person.email,
                body=email_body,
                next_attempt_at=now,
            )
    for agency in agencies:
        if agency.email:
            add(
                Delivery.Channel.EMAIL,
                f"agency:{agency.pk}",
                recipient_agency=agency,
                to_address=agency.email,
                body=email_body,
                next_attempt_at=now,
            )
    return rows


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after the ``attempts``-th failed attempt, capped at an hour."""
    base = int(settings.CONVENE_DELIVERY_RETRY_SECONDS)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _stamp(now: datetime) -> datetime:
    # Leases and back-off count from the later of the pass's ``now`` and the
    # real time, so a row claimed late in a long pass keeps its whole lease.
    return max(now, timezone.now())


def _delivery_claim(*, now: datetime) -> tuple[Delivery, bool] | None:
    """Take the next email due, mark the attempt started; True when it is in doubt."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(
                channel=Delivery.Channel.EMAIL,
                state__in=[Delivery.State.PENDING, Delivery.State.SENDING],
                next_attempt_at__lte=now,
            )
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if delivery is None:
            return None
        in_doubt = delivery.state == Delivery.State.SENDING
        stamp = _stamp(now)
        delivery.state = Delivery.State.SENDING
        delivery.attempts += 1
        delivery.attempt_started_at = stamp
        # The lease: nobody else takes this row until it runs out.
        delivery.next_attempt_at = stamp + timedelta(
            seconds=int(settings.CONVENE_DELIVERY_LEASE_SECONDS)
        )
        delivery.save(update_fields=["state", "attempts", "attempt_started_at", "next_attempt_at"])
    return delivery, in_doubt


def _delivery_record_sent(delivery: Delivery, *, now: datetime) -> None:
    """Record it sent and, in the same transaction, what leaving means (audit, state, clocks)."""
    stamp = _stamp(now)
    with transaction.atomic():
        recorded = Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING).update(
            state=Delivery.State.SENT, sent_at=stamp, next_attempt_at=None
        )
        if recorded:
            delivery.state, delivery.sent_at = Delivery.State.SENT, stamp
            kind = email_kinds(delivery.kind)
            if kind is not None:
                kind.on_sent(delivery, stamp)
            else:
                _audit_left(delivery)


def _audit_left(delivery: Delivery) -> None:
    """A reminder or escalation notice has left: audited against what it is about."""
    source = delivery.source
    if source is None:
        return
    name = str(delivery.recipient or delivery.recipient_agency or "")
    audit_sent(
        obj=source,
        children=(),
        what=f'"{delivery.subject}"',
        to_name=name,
        to_email=delivery.to_address,
    )


def _delivery_withdraw(delivery: Delivery, reason: str, *, now: datetime) -> None:
    with transaction.atomic():
        withdrawn = Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING).update(
            state=Delivery.State.WITHDRAWN, next_attempt_at=None, last_error=reason[:_MAX_ERROR]
        )
        kind = email_kinds(delivery.kind)
        if withdrawn and kind is not None:
            delivery.state, delivery.last_error = Delivery.State.WITHDRAWN, reason
            kind.on_withdrawn(delivery, _stamp(now))


def _delivery_skip(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING).update(
        state=Delivery.State.SKIPPED,
        next_attempt_at=None,
        last_error="Not sent: what it reminds of was done before it was sent",
    )


def _delivery_record_failure(delivery: Delivery, error: BaseException, *, now: datetime) -> bool:
    """Record a failed attempt; True when it was the last one (allowed, or worth making)."""
    final = isinstance(error, EmailRejected) or delivery.attempts >= int(
        settings.CONVENE_DELIVERY_MAX_ATTEMPTS
    )
    stamp = _stamp(now)
    message = f"Attempt {delivery.attempts} at {stamp:%Y-%m-%d %H:%M:%S %Z}: "
    message += f"{type(error).__name__}: {error}"
    with transaction.atomic():
        rows = Delivery.objects.filter(
            pk=delivery.pk, state=Delivery.State.SENDING, attempts=delivery.attempts
        )
        if final:
            rows.update(
                state=Delivery.State.FAILED,
                failed_at=stamp,
                next_attempt_at=None,
                last_error=message[:_MAX_ERROR],
            )
            kind = email_kinds(delivery.kind)
            if kind is not None:
                delivery.last_error = message[:_MAX_ERROR]
                kind.on_failed(delivery, stamp)
        else:
            rows.update(
                state=Delivery.State.PENDING,
                next_attempt_at=stamp + retry_delay(delivery.attempts),
                last_error=message[:_MAX_ERROR],
            )
    return final


def delivery_email(delivery: Delivery, connection: BaseEmailBackend) -> EmailMessage:
    """The email of a delivery; every attempt builds the same one, Message-ID included."""
    message = EmailMessage(
        subject=delivery.subject,
        body=delivery.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_address],
        reply_to=[delivery.reply_to] if delivery.reply_to else None,
        headers={"Message-ID": delivery.message_id, "X-Convene-Delivery": str(delivery.key)},
        connection=connection,
    )
    for attachment in attachments_of(delivery):
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def deliveries_send(
    *, now: datetime, connection: BaseEmailBackend | None = None, limit: int | None = None
) -> SendReport:
    """Send every email delivery due by ``now``, one at a time; safe to run in several workers.

    Each delivery is claimed (attempt recorded, committed), sent, then
    recorded as sent or failed (with back-off, ``failed`` after
    ``CONVENE_DELIVERY_MAX_ATTEMPTS``). A failure of one never stops the rest.
    """
    if connection is None:
        connection = get_connection(fail_silently=False)
    confirm = getattr(connection, "was_sent", None)
    report = SendReport()
    handled = 0
    while limit is None or handled < limit:
        claim = _delivery_claim(now=now)
        if claim is None:
            break
        handled += 1
        delivery, in_doubt = claim
        kind = email_kinds(delivery.kind)
        reason = kind.withdraw_reason(delivery) if kind is not None else ""
        if not (in_doubt and callable(confirm) and confirm(delivery.message_id)) and not (
            still_due(delivery.source_type.model_class(), delivery.source_id)
        ):
            logger.info("Delivery %s skipped: what it reminds of is done", delivery.pk)
            _delivery_skip(delivery)
            report.skipped += 1
            continue
        if reason and not (in_doubt and callable(confirm) and confirm(delivery.message_id)):
            logger.info("Delivery %s withdrawn: %s", delivery.pk, reason)
            _delivery_withdraw(delivery, reason, now=now)
            report.withdrawn += 1
            continue
        if in_doubt and callable(confirm) and confirm(delivery.message_id):
            logger.info("Delivery %s was sent before the worker stopped: recorded", delivery.pk)
            _delivery_record_sent(delivery, now=now)
            report.recovered += 1
            continue
        try:
            accepted = connection.send_messages([delivery_email(delivery, connection)])
            if accepted != 1:
                raise DeliveryError("the email back end did not accept the message")
        except Exception as error:
            logger.warning("Delivery %s failed: %s", delivery.pk, error)
            if _delivery_record_failure(delivery, error, now=now):
                report.failed += 1
            else:
                report.retried += 1
        else:
            _delivery_record_sent(delivery, now=now)
            report.sent += 1
    return report


@transaction.atomic
def delivery_retry(*, delivery: Delivery, now: datetime) -> Delivery:
    """Give a failed email a fresh round of attempts (an admin has fixed the cause)."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state != Delivery.State.FAILED:
        raise ValueError("Only a failed email can be tried again")
    delivery.state = Delivery.State.PENDING
    delivery.failed_at = None
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.save(update_fields=["state", "failed_at", "attempts", "next_attempt_at"])
    return delivery


@transaction.atomic
def notifications_mark_read(*, user: Professional, now: datetime) -> int:
    return Delivery.objects.filter(
        recipient=user, channel=Delivery.Channel.IN_APP, read_at__isnull=True
    ).update(read_at=now)


def notification_mark_read(*, notification: Delivery, now: datetime) -> None:
    """The person opened one notice: it is read (once; the first reading counts)."""
    Delivery.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)


def slot_start(now: datetime, seconds: int) -> datetime:
    """The start of the ``seconds``-long time slot holding ``now`` (slots count from the epoch)."""
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def periodic_enqueue_due(*, now: datetime, schedule: Mapping[str, int]) -> list[str]:
    """Enqueue each periodic task (dotted path → seconds) once for the slot holding ``now``.

    Return the paths enqueued by this call; a slot another worker has taken
    already is skipped. The row and the queued task commit together.
    """
    enqueued: list[str] = []
    for path, seconds in schedule.items():
        slot = slot_start(now, seconds)
        if PeriodicRun.objects.filter(task_path=path, slot_start=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(task_path=path, slot_start=slot, enqueued_at=now)
                result = import_string(path).enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another worker took this slot
        enqueued.append(path)
    if enqueued:
        PeriodicRun.objects.filter(slot_start__lt=now - _PERIODIC_KEEP).delete()
    return enqueued
