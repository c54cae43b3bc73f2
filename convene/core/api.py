"""Shared pieces of the REST API routers: the acting user and service errors as JSON.

The routers (``convene/<app>/api.py``) are mounted on the project's ``NinjaAPI``,
which authenticates every request (per-user bearer tokens). The routers call
the same services as the pages and turn a refusal into ``{"detail": ...}``
with the status of its class (400, 403, 404, 409): never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError

from convene.core.errors import ServiceError
from convene.people.models import Professional

T = TypeVar("T")


class ErrorOut(Schema):
    detail: str
    field: str | None = None


ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def acting_user(request: HttpRequest) -> Professional:
    """Who is asking: the bearer token's professional (``request.auth``), else the session's."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, Professional) and auth.is_active:
        return auth
    user = getattr(request, "user", None)
    if isinstance(user, Professional) and user.is_active:
        return user
    raise HttpError(401, "Sign in, or send your API token")


def answer(status: int, call: Callable[[], T]) -> Status[T | ErrorOut]:
    """Run a service call; a refusal becomes its status code and message."""
    try:
        return Status(status, call())
    except ServiceError as error:
        return Status(error.status, ErrorOut(detail=error.message, field=error.field))


def error(status: int, message: str, field: str | None = None) -> Status[ErrorOut]:
    return Status(status, ErrorOut(detail=message, field=field))
