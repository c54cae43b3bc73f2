"""Every submission happens once: one-time form tokens and the API's ``Idempotency-Key``.

A double click, a resubmitted page or a client retrying after a lost answer must
not create a second escalation, referral or discussion. So:

* **Pages.** Every POST form carries a one-time ``form_token`` (the project's
  ``{% csrf_token %}`` tag writes it beside the CSRF token, so no form can leave
  it out). The first POST of a token claims it; when the view answers with a
  redirect (the result page), the redirect is kept, and a second POST of the
  same token is sent there without running the view again. A form shown again
  with errors was not a result: its token is released and may be sent again.
* **API.** A POST with ``Idempotency-Key: <up to 255 characters>`` is answered
  once per user and key: a repeat of the same request gets the first 2xx answer
  again (``Idempotent-Replayed: true``), with no second write; the same key for
  a different request is refused (422). Errors are not kept, so a client can
  fix the request and retry with the same key.

A second request that arrives while the first is still running waits for its
answer (up to ``WAIT_SECONDS``), then is told to try again (409). Keys expire
after ``CONVENE_ONCE_KEY_HOURS`` (default 24); a claim whose request died is
released after ``STALE_CLAIM``.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.crypto import get_random_string

from convene.core.models import OnceKey

FORM_FIELD = "form_token"
API_HEADER = "Idempotency-Key"
_FORM_TOKEN = re.compile(r"^[A-Za-z0-9]{32}$")
_API_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as in the IETF draft
STALE_CLAIM = timedelta(minutes=2)
WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.1


def form_token_new() -> str:
    return get_random_string(32)


def form_token_of(request: HttpRequest) -> str | None:
    token = request.POST.get(FORM_FIELD, "") if request.method == "POST" else ""
    return token if _FORM_TOKEN.match(token) else None


def api_key_of(request: HttpRequest) -> str | None:
    key = request.headers.get(API_HEADER, "").strip()
    return key if _API_KEY.match(key) else None


def api_fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(request.method.encode() if request.method else b"")
    digest.update(b"\0" + request.path.encode() + b"\0" + request.body)
    return digest.hexdigest()


@dataclass(frozen=True)
class Claimed:
    """This request holds the key: run the view, then finish or release it."""

    pk: int


@dataclass(frozen=True)
class Answered:
    """The key was answered before: send this again."""

    status: int
    location: str
    content_type: str
    body: bytes


class Busy(Exception):
    """The first request with this key is still running."""


class Mismatch(Exception):
    """The key was used for a different request."""


def _lifetime() -> timedelta:
    return timedelta(hours=int(getattr(settings, "CONVENE_ONCE_KEY_HOURS", 24)))


def _expired(now: datetime) -> Q:
    """Expired, or claimed by a request that died: free again."""
    return Q(expires_at__lte=now) | Q(status__isnull=True, created_at__lte=now - STALE_CLAIM)


def _claim(*, user_id: int, kind: str, key: str, fingerprint: str, now: datetime) -> int | None:
    """Claim the key; None if another request holds or answered it."""
    OnceKey.objects.filter(_expired(now), user_id=user_id, kind=kind, key=key).delete()
    try:
        with transaction.atomic():
            row = OnceKey.objects.create(
                user_id=user_id,
                kind=kind,
                key=key,
                fingerprint=fingerprint,
                created_at=now,
                expires_at=now + _lifetime(),
            )
    except IntegrityError:
        return None
    return row.pk


def once_begin(
    *,
    user_id: int,
    kind: str,
    key: str,
    fingerprint: str,
    wait: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Claimed | Answered:
    """Claim ``key`` for this request, or return the answer it was given before.

    Raises :class:`Mismatch` for a key used with another request, :class:`Busy`
    when the first request has not answered within ``wait`` seconds.
    """
    deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
    while True:
        pk = _claim(
            user_id=user_id, kind=kind, key=key, fingerprint=fingerprint, now=timezone.now()
        )
        if pk is not None:
            return Claimed(pk)
        row = (
            OnceKey.objects.filter(user_id=user_id, kind=kind, key=key)
            .values_list("fingerprint", "status", "location", "content_type", "body")
            .first()
        )
        if row is not None:
            if row[0] != fingerprint:
                raise Mismatch(key)
            if row[1] is not None:
                return Answered(row[1], row[2], row[3], bytes(row[4]))
        if time.monotonic() >= deadline:
            raise Busy(key)
        sleep(_POLL_SECONDS)


RESULT_ATTRIBUTE = "once_result_location"
R = TypeVar("R", bound=HttpResponseBase)


def once_result(response: R, location: str) -> R:
    """Mark a page that *is* the result (not a redirect to it): a repeat goes to ``location``.

    For a result shown once and never kept, like a new API token.
    """
    setattr(response, RESULT_ATTRIBUTE, location)
    return response


def once_finish(claim: Claimed, response: HttpResponseBase, *, keep_body: bool) -> None:
    """Keep the answer for the next request with the same key."""
    body = getattr(response, "content", b"") if keep_body else b""
    result_at = getattr(response, RESULT_ATTRIBUTE, None)
    OnceKey.objects.filter(pk=claim.pk).update(
        status=303 if result_at else response.status_code,
        location=str(result_at or response.get("Location", ""))[:2000],
        content_type=str(response.get("Content-Type", ""))[:200],
        body=body,
    )


def once_release(claim: Claimed) -> None:
    """No result to keep (errors shown, or a failure): the key may be sent again."""
    OnceKey.objects.filter(pk=claim.pk, status__isnull=True).delete()


def once_prune(*, now: datetime) -> int:
    """Forget expired keys and dead claims."""
    deleted, _ = OnceKey.objects.filter(_expired(now)).delete()
    return deleted
