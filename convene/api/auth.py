"""Bearer-token authentication for the API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from convene.api.services import api_token_authenticate
from convene.people.models import Professional

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; refuses revoked tokens and inactive users.

    ``request.auth`` becomes the token's user (read by ``convene.core.api.acting_user``),
    so every endpoint applies that user's need-to-know rules through the same
    selectors as the pages; ``request.api_token`` is named in the audit entries.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Professional | None:
        api_token = api_token_authenticate(raw=token)
        if api_token is None:
            return None
        if api_token.read_only and request.method not in SAFE_METHODS:
            raise HttpError(403, "This API token is read-only: it cannot change anything")
        request.api_token = api_token  # type: ignore[attr-defined]  # named in audit entries
        return api_token.user
