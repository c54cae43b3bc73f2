"""An ``EMAIL_BACKEND`` that sends through GOV.UK Notify's REST API.

Set ``NOTIFY_API_KEY`` and ``NOTIFY_TEMPLATE_ID`` (see .env.example). The
Notify template must use three placeholders: ``((subject))`` as its subject,
and ``((body))`` and ``((calendar_file))`` in its message. A message's first
attachment (the ``.ics``) goes as a Notify file link ("send a file by
email"), which the service must have switched on; messages without one send
an empty ``calendar_file``.

The official ``notifications-python-client`` is not a dependency: this back
end makes the same call with the standard library (a JSON POST to
``/v2/notifications/email`` with an HS256 JSON Web Token made from the API
key, as the client does), so nothing extra is installed and nothing is
fetched at import.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"


class NotifyError(RuntimeError):
    pass


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def parse_api_key(api_key: str) -> tuple[str, str]:
    """(service id, secret) from a key ``name-<service uuid>-<secret uuid>``."""
    if len(api_key) < 74 or api_key[-37] != "-" or api_key[-74] != "-":
        raise ImproperlyConfigured("NOTIFY_API_KEY is not a GOV.UK Notify API key")
    return api_key[-73:-37], api_key[-36:]


def make_token(*, service_id: str, secret: str, issued_at: int) -> str:
    header = _b64url(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    claims = _b64url(json.dumps({"iss": service_id, "iat": issued_at}).encode())
    signing_input = f"{header}.{claims}".encode("ascii")
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{claims}.{_b64url(signature)}"


Opener = Callable[..., Any]


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(
        self,
        fail_silently: bool = False,
        *,
        api_key: str | None = None,
        template_id: str | None = None,
        base_url: str | None = None,
        opener: Opener | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        key = api_key or getattr(settings, "NOTIFY_API_KEY", "")
        self.template_id = template_id or getattr(settings, "NOTIFY_TEMPLATE_ID", "")
        if not key or not self.template_id:
            raise ImproperlyConfigured(
                "The GOV.UK Notify email back end needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID"
            )
        self.service_id, self.secret = parse_api_key(key)
        self.base_url = (
            base_url or getattr(settings, "NOTIFY_BASE_URL", "") or DEFAULT_BASE_URL
        ).rstrip("/")
        self.opener: Opener = opener or urllib.request.urlopen

    def payload(self, message: EmailMessage, recipient: str) -> dict[str, Any]:
        calendar_file: Any = ""
        for attachment in message.attachments:
            if isinstance(attachment, tuple):  # (filename, content, mimetype)
                filename, content, _mimetype = attachment
                raw = content.encode() if isinstance(content, str) else bytes(content)
                calendar_file = {
                    "file": base64.b64encode(raw).decode("ascii"),
                    "filename": filename,
                    "confirm_email_before_download": False,
                    "retention_period": "4 weeks",
                }
                break
        return {
            "email_address": recipient,
            "template_id": self.template_id,
            "personalisation": {
                "subject": message.subject,
                "body": message.body,
                "calendar_file": calendar_file,
            },
        }

    def _post(self, payload: dict[str, Any]) -> None:
        token = make_token(
            service_id=self.service_id, secret=self.secret, issued_at=int(time.time())
        )
        request = urllib.request.Request(  # noqa: S310 - the URL is https from settings
            f"{self.base_url}/v2/notifications/email",
            data=json.dumps(payload).encode(),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "User-Agent": "convene-notify-backend",
            },
            method="POST",
        )
        try:
            with self.opener(request, timeout=15) as response:
                status = getattr(response, "status", 201)
                if status >= 300:
                    raise NotifyError(f"GOV.UK Notify answered {status}")
        except OSError as error:  # URLError and HTTPError are OSErrors
            raise NotifyError(f"GOV.UK Notify could not be reached: {error}") from error

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            try:
                for recipient in message.recipients():
                    self._post(self.payload(message, recipient))
                sent += 1
            except NotifyError:
                if not self.fail_silently:
                    raise
        return sent
