"""Sending one email through Django's configured back end (console, SMTP or GOV.UK Notify)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage


class EmailRejected(RuntimeError):
    """The email service refused this message itself: sending it again unchanged cannot work.

    An email back end raises it (or a subclass) so the outbox marks the email
    failed at once, for an administrator to see, instead of retrying it.
    """


@dataclass(frozen=True, kw_only=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def ics_attachment(content: bytes, *, method: str) -> Attachment:
    return Attachment(
        filename="invite.ics" if method != "CANCEL" else "cancel.ics",
        content=content,
        mimetype=f"text/calendar; method={method}; charset=utf-8",
    )


def send_email(
    *,
    to: str,
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    reply_to: Sequence[str] = (),
) -> None:
    """Send now; raises if the back end fails, so a task can record the failure and retry."""
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=list(reply_to),
    )
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    message.send(fail_silently=False)
