"""An ``EMAIL_BACKEND`` that sends through GOV.UK Notify, with the official client.

Set ``NOTIFY_API_KEY`` and ``NOTIFY_TEMPLATE_ID`` (see .env.example and
docs/operations.md). The Notify template must use three placeholders:
``((subject))`` as its subject, and ``((body))`` and ``((calendar_file))`` in its
message. A message's first attachment (the ``.ics``) goes as a Notify file link
("send a file by email", ``prepare_upload``), which the service must have
switched on; messages without one send an empty ``calendar_file``.

``NOTIFY_BASE_URL`` points the client elsewhere (the tests use a local stub).
Failures raise, so the outbox records them: :class:`NotifyRejected` when Notify
refused the message itself (a 4xx other than 429: bad template, bad address,
bad key), which is not retried because the same message would be refused again;
:class:`NotifyError` for anything that may pass later (429, 5xx, no connection),
which the outbox retries with back-off.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from notifications_python_client.utils import prepare_upload

from convene.notify.email import EmailRejected

DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"
# How long a calendar file link stays valid; the meeting is usually within days.
FILE_RETENTION = "4 weeks"
_KEY_LENGTH = 74  # "-<service uuid>-<secret uuid>" at the end of every Notify API key
TOO_MANY_REQUESTS = 429
TIMEOUT_SECONDS = 15  # a worker waits no longer than this for Notify, then retries later


class NotifyError(RuntimeError):
    """Notify could not take the message now (busy, down, unreachable): try again later."""


class NotifyRejected(NotifyError, EmailRejected):
    """Notify refused this message (bad template, address, key or file): retrying will not help."""


def check_api_key(api_key: str) -> None:
    """Refuse at start-up a key that is not ``name-<service uuid>-<secret uuid>``."""
    if len(api_key) < _KEY_LENGTH or api_key[-37] != "-" or api_key[-74] != "-":
        raise ImproperlyConfigured("NOTIFY_API_KEY is not a GOV.UK Notify API key")


def _reason(error: APIError) -> str:
    """Notify's own words: a message, or a list of {"error", "message"} entries."""
    message = error.message
    if isinstance(message, list):
        return "; ".join(str(entry.get("message", entry)) for entry in message)
    return str(message)


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(
        self,
        fail_silently: bool = False,
        *,
        api_key: str | None = None,
        template_id: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        key = api_key or getattr(settings, "NOTIFY_API_KEY", "")
        self.template_id = template_id or getattr(settings, "NOTIFY_TEMPLATE_ID", "")
        if not key or not self.template_id:
            raise ImproperlyConfigured(
                "The GOV.UK Notify email back end needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID"
            )
        check_api_key(key)
        self.client = NotificationsAPIClient(
            key,
            base_url=(
                base_url or getattr(settings, "NOTIFY_BASE_URL", "") or DEFAULT_BASE_URL
            ).rstrip("/"),
            timeout=timeout or TIMEOUT_SECONDS,
        )

    def personalisation(self, message: EmailMessage) -> dict[str, Any]:
        calendar_file: Any = ""
        for attachment in message.attachments:
            if isinstance(attachment, tuple):  # (filename, content, mimetype)
                filename, content, _mimetype = attachment
                raw = content.encode() if isinstance(content, str) else bytes(content)
                try:
                    calendar_file = prepare_upload(
                        io.BytesIO(raw),
                        filename=filename,
                        confirm_email_before_download=False,
                        retention_period=FILE_RETENTION,
                    )
                except ValueError as error:  # over Notify's 2 MB limit
                    raise NotifyRejected(f"The attached file cannot be sent: {error}") from error
                break
        return {"subject": message.subject, "body": message.body, "calendar_file": calendar_file}

    def _send(self, recipient: str, personalisation: dict[str, Any]) -> None:
        try:
            self.client.send_email_notification(
                email_address=recipient,
                template_id=self.template_id,
                personalisation=personalisation,
            )
        except APIError as error:
            status = error.status_code
            if 400 <= status < 500 and status != TOO_MANY_REQUESTS:
                raise NotifyRejected(
                    f"GOV.UK Notify refused the email ({status}): {_reason(error)}"
                ) from error
            if error.response is None:
                raise NotifyError("GOV.UK Notify could not be reached") from error
            raise NotifyError(f"GOV.UK Notify answered {status}: {_reason(error)}") from error

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            try:
                personalisation = self.personalisation(message)
                for recipient in message.recipients():
                    self._send(recipient, personalisation)
                sent += 1
            except NotifyError:
                if not self.fail_silently:
                    raise
        return sent
