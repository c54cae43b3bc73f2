"""Creating, revoking and checking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from convene.api.models import ApiToken
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.people.models import Professional

TOKEN_PREFIX = "cvn_"  # noqa: S105 - a label that marks Convene tokens, not a secret
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: Professional, name: str, read_only: bool = False
) -> tuple[ApiToken, str]:
    """A new token for ``user``, expiring after ``CONVENE_API_TOKEN_DAYS``; the raw token is
    returned once and never stored. A read-only token may only read."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        token_hash=_digest(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        expires_at=timezone.now() + timedelta(days=settings.CONVENE_API_TOKEN_DAYS),
        read_only=read_only,
    )
    kind = "read-only " if read_only else ""
    audit_record(
        actor=user,
        action=Action.CREATE,
        obj=token,
        summary=f"Created {kind}API token ‘{token.name}’",
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: Professional) -> None:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.is_revoked:
        return
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=by, action=Action.REVOKE, obj=token, summary=f"Revoked API token ‘{token.name}’"
    )


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token matching ``raw``: not revoked, not expired, and its user still active."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    now = timezone.now()
    if token is None or token.is_expired(now=now):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
