"""Shared pieces of the REST API routers: who is asking, the errors every operation documents,
and service errors as JSON.

The routers (``convene/<app>/api.py``, ``convene/api/children.py``) are mounted on
the project's ``NinjaAPI`` (``convene/api/api.py``), which authenticates every
request with a per-user bearer token before the operation runs. Each operation
declares every status it can answer with (the schema is fuzzed against the
code, ``tests/api/test_api_fuzz.py``):

* 401: no live token (``BearerToken``), ``{"detail": "Unauthorized"}``;
* 422: a parameter or body the schema refuses (django-ninja's validation);
* 400: a body that is not JSON; and 400, 403, 404, 409 from the services'
  refusals (:class:`convene.core.errors.ServiceError`), with the message.

Never a 500: bad input is refused by the schema or by the service before
anything is written, not by a database error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import P, PathEx, QueryEx, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from convene.core.errors import ServiceError

if TYPE_CHECKING:  # core imports no domain app at run time (tests/test_architecture.py)
    from convene.people.models import Professional

T = TypeVar("T")

# The database's largest id: a larger number is refused (422), not overflowed (a 500).
MAX_ID = 2**63 - 1
# An id in a path (``/referrals/{referral_id}``) and in a body (``"child_ids": [...]``).
PathId = PathEx[int, P(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
# An ``expected_version`` (optimistic locking): versions count up from 1.
Version = Annotated[int, Field(ge=1, le=2**31 - 1, description="The version you read")]


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class ValidationErrorItem(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrors(Schema):
    detail: list[ValidationErrorItem]


# Every operation: the token (401), then the parameters and body (422).
AUTH_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 422: ValidationErrors}
# Reading one thing: it may not exist, or not for you (the two look the same).
READ_ERRORS: dict[int, type[Schema]] = {**AUTH_ERRORS, 404: ErrorOut}
# Changing something: a body that is not JSON (400) and every ServiceError status.
ERRORS: dict[int, type[Schema]] = {
    **READ_ERRORS,
    400: ErrorOut,
    403: ErrorOut,
    409: ErrorOut,
}


def acting_user(request: HttpRequest) -> Professional:
    """Who is asking: the professional the bearer token belongs to.

    ``BearerToken`` (``convene/api/auth.py``) has checked the token and set
    ``request.auth`` before any operation of the mounted API runs, so a session
    cookie is never an API credential. A router called on its own, as its tests
    do with django-ninja's ``TestClient(router)`` and ``user=``, has no
    authentication of its own: there, and only there, ``request.auth`` is unset
    and the request's user is the one asking.
    """
    auth = getattr(request, "auth", None)
    candidate = auth if auth is not None else getattr(request, "user", None)
    if isinstance(candidate, get_user_model()) and candidate.is_active:
        return candidate
    raise HttpError(401, "Unauthorized")


def answer(status: int, call: Callable[[], T]) -> Status[T | ErrorOut]:
    """Run a service call; a refusal becomes its status code and message."""
    try:
        return Status(status, call())
    except ServiceError as error:
        return Status(error.status, ErrorOut(detail=error.message, field=error.field))
    except PermissionDenied as denied:  # ``require_write``: an auditor never writes
        return Status(403, ErrorOut(detail=str(denied) or "You may not do this"))


def error(status: int, message: str, field: str | None = None) -> Status[ErrorOut]:
    return Status(status, ErrorOut(detail=message, field=field))


M = TypeVar("M")
R = TypeVar("R", bound=Model)


def visible_one(
    request: HttpRequest, selector: Callable[..., QuerySet[R]], pk: int, *related: str
) -> tuple[Professional, R | None]:
    """Who is asking, and the row with id ``pk`` if ``selector(user=...)`` shows it to them
    (None when it does not: the caller answers 404 either way, so none is confirmed)."""
    user = acting_user(request)
    return user, selector(user=user).select_related(*related).filter(pk=pk).first()


Refusal = Callable[["Professional", M], "Status[Any] | None"]


def acted(
    found: tuple[Professional, M | None],
    not_found: str,
    call: Callable[[Professional, M], T],
    *,
    refusal: Refusal[M] | None = None,
    status: int = 200,
) -> Status[Any]:
    """The shape of every write to one thing: 404 unless the caller may see it; then the
    page's own check (``refusal``: 403 with the reason, or None); then the service, whose
    refusal becomes its status and message."""
    user, thing = found
    if thing is None:
        return error(404, not_found)
    refused = refusal(user, thing) if refusal is not None else None
    return refused or answer(status, lambda: call(user, thing))


# A list's page size (``?limit=``), at most 200 or 500 rows.
Limit200 = QueryEx[int, P(ge=1, le=200)]
Limit500 = QueryEx[int, P(ge=1, le=500)]

# A list's cursor (``?before=<id>``): the id of the last row of the page before.
Cursor = QueryEx[
    int | None, P(ge=1, le=MAX_ID, description="Cursor: the id of the last row of the page before")
]


def link_next(
    request: HttpRequest, response: HttpResponse, *, rows: list[Any], limit: int, **query: str
) -> None:
    """Set ``Link: <…?before=<last id>>; rel="next"`` when the page is full (there may be more)."""
    if len(rows) == limit:
        params = {**{k: v for k, v in query.items() if v}, "limit": str(limit)}
        params["before"] = str(rows[-1].pk)
        response["Link"] = f'<{request.path}?{urlencode(params)}>; rel="next"'
