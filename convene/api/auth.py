"""Bearer-token authentication for the API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from convene.api.services import api_token_authenticate
from convene.people.models import Professional


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; refuses revoked tokens and inactive users.

    ``request.auth`` becomes the token's user, so every endpoint applies that
    user's need-to-know rules through the same selectors as the pages.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Professional | None:
        api_token = api_token_authenticate(raw=token)
        if api_token is None:
            return None
        request.api_token = api_token  # type: ignore[attr-defined]  # named in audit entries
        return api_token.user


def api_user(request: HttpRequest) -> Professional:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, Professional)  # BearerToken guarantees it
    return user


def api_via(request: HttpRequest) -> str:
    token = getattr(request, "api_token", None)
    return f" through the API (token ‘{token.name}’)" if token is not None else " through the API"
