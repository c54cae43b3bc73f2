"""Every email Convene sends goes through the one outbox (docs/decisions/0002).

A feature decides an email with :func:`email_decide`, in the transaction that
causes it (the discussion scheduled, the record distributed): one
:class:`~convene.reminders.models.Delivery` row, its Message-ID fixed there and
then, its attachments stored (small content, such as a calendar file) or named
so that every attempt rebuilds the same bytes (a record version's PDF, which is
stored once with the version). The worker sends it (``deliveries_send``) with
retries and back-off; a delivery that gives up shows on "Failed emails".

Each kind of email may register an :class:`EmailKind` under the first part of
its ``kind`` (``"invitation.update.3"`` → ``"invitation"``):

- ``withdraw_reason``: asked just before each attempt; a non-empty answer (a
  later change superseded it, the recipient may no longer see what it carries)
  withdraws the delivery instead of sending it;
- ``on_sent``: runs in the transaction that records the email as sent (the
  feature's own "sent" state, the audit entry, a clock met);
- ``on_failed``: runs in the transaction that records its last failed attempt;
- ``on_withdrawn``: runs in the transaction that records it withdrawn.

An email with no registered kind (reminders, escalation notices) is audited
against what it is about when it leaves.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from convene.notify.email import Attachment
from convene.people.models import Agency, Partnership, Professional
from convene.reminders.models import Delivery

__all__ = [
    "EmailKind",
    "attachment_rebuilt",
    "attachment_stored",
    "attachments_of",
    "deliveries_about",
    "email_decide",
    "email_kind_register",
    "email_kinds",
    "loader_register",
]


def _no_reason(delivery: Delivery) -> str:
    return ""


def _nothing(delivery: Delivery, now: datetime) -> None:
    return None


@dataclass(frozen=True)
class EmailKind:
    on_sent: Callable[[Delivery, datetime], None]
    withdraw_reason: Callable[[Delivery], str] = field(default=_no_reason)
    on_failed: Callable[[Delivery, datetime], None] = field(default=_nothing)
    on_withdrawn: Callable[[Delivery, datetime], None] = field(default=_nothing)
    # What "Failed emails" shows for it instead of its subject, which may carry a
    # reference of a record the admin may not see.
    description: str = "An email"


_KINDS: dict[str, EmailKind] = {}
_LOADERS: dict[str, Callable[[int], bytes]] = {}


def email_kind_register(prefix: str, kind: EmailKind) -> None:
    """Register the hooks of every delivery whose kind starts ``<prefix>.``."""
    _KINDS[prefix] = kind


def email_kinds(kind: str) -> EmailKind | None:
    return _KINDS.get(kind.split(".", 1)[0])


def loader_register(name: str, loader: Callable[[int], bytes]) -> None:
    """Register how to rebuild an attachment's bytes from an id (the same bytes every time)."""
    _LOADERS[name] = loader


def attachment_stored(attachment: Attachment) -> dict[str, str]:
    """An attachment kept in the delivery itself (small: a calendar file)."""
    return {
        "filename": attachment.filename,
        "mimetype": attachment.mimetype,
        "content": base64.b64encode(attachment.content).decode("ascii"),
    }


def attachment_rebuilt(*, filename: str, mimetype: str, loader: str, ref: int) -> dict[str, Any]:
    """An attachment rebuilt at each attempt from content stored elsewhere, unchanging."""
    return {"filename": filename, "mimetype": mimetype, "loader": loader, "ref": ref}


def attachments_of(delivery: Delivery) -> list[Attachment]:
    attachments = []
    for item in delivery.attachments or []:
        if "content" in item:
            content = base64.b64decode(item["content"])
        else:
            content = _LOADERS[item["loader"]](int(item["ref"]))
        attachments.append(
            Attachment(filename=item["filename"], content=content, mimetype=item["mimetype"])
        )
    return attachments


def email_decide(
    *,
    partnership: Partnership,
    source: models.Model,
    kind: str,
    recipient_key: str,
    to_address: str,
    subject: str,
    body: str,
    now: datetime,
    recipient: Professional | None = None,
    recipient_agency: Agency | None = None,
    attachments: Iterable[dict[str, Any]] = (),
    reply_to: str = "",
    link: str = "",
) -> Delivery:
    """Decide one email in the caller's transaction; deciding it again returns the first one.

    A pass of the worker is queued for when the transaction commits, so the
    email leaves at once when the mail server is up, and on a later pass (with
    back-off) when it is not.
    """
    from convene.reminders.services import new_delivery
    from convene.reminders.tasks import send_deliveries

    source_type = ContentType.objects.get_for_model(source)
    identity = {
        "source_type": source_type,
        "source_id": source.pk,
        "kind": kind,
        "channel": Delivery.Channel.EMAIL,
        "recipient_key": recipient_key,
    }
    existing = Delivery.objects.filter(**identity).first()
    if existing is not None:
        return existing
    row = new_delivery(
        **identity,
        partnership=partnership,
        recipient=recipient,
        recipient_agency=recipient_agency,
        to_address=to_address,
        subject=subject[:200],
        body=body,
        link=link[:300],
        attachments=list(attachments),
        reply_to=reply_to,
        decided_at=now,
        # Due now (a past ``now`` stays past; a service handed a future one is not held back).
        next_attempt_at=min(now, timezone.now()),
    )
    Delivery.objects.bulk_create([row], ignore_conflicts=True)
    transaction.on_commit(send_deliveries.enqueue)
    return Delivery.objects.get(**identity)


def deliveries_about(source: models.Model, *, kind_prefix: str = "") -> QuerySet[Delivery]:
    """The email deliveries about ``source`` (newest first), optionally of one kind."""
    rows = Delivery.objects.filter(
        source_type=ContentType.objects.get_for_model(source),
        source_id=source.pk,
        channel=Delivery.Channel.EMAIL,
    )
    if kind_prefix:
        rows = rows.filter(kind__startswith=kind_prefix)
    return rows.order_by("-decided_at", "-pk")
