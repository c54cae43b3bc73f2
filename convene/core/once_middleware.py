"""The middleware that makes every POST happen once (``convene/core/once.py`` says how)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render

from convene.core.models import OnceKey
from convene.core.once import (
    RESULT_ATTRIBUTE,
    Answered,
    Busy,
    Claimed,
    Mismatch,
    api_fingerprint,
    api_key_of,
    form_token_of,
    once_begin,
    once_finish,
    once_release,
)

_CLAIM = "_convene_once_claim"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Not results to replay: signing out must always sign out, even from a page left open.
EXEMPT_VIEWS = frozenset({"accounts:logout"})


# How to read a bearer token's user, registered by the api app (``ApiConfig.ready``):
# core sits below the domain apps and imports none of them (docs/architecture.md).
_token_user_id: Callable[[str], int | None] | None = None


def register_token_user(resolver: Callable[[str], int | None]) -> None:
    """Register ``resolver(raw_token) -> user id or None``, the API's own token check."""
    global _token_user_id  # one registration at start-up, like a signal receiver
    _token_user_id = resolver


def _api_user_id(request: HttpRequest) -> int | None:
    """The user of the request's bearer token, checked as the API's own authentication does."""
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw or _token_user_id is None:
        return None
    return _token_user_id(raw.strip())


def _replay(answer: Answered, *, api: bool) -> HttpResponse:
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    if answer.location:
        response["Location"] = answer.location
    if api:
        response["Idempotent-Replayed"] = "true"
    return response


class OncePerSubmissionMiddleware:
    """A form token or ``Idempotency-Key`` sent again gets the first answer, not a second write.

    After CSRF and sign-in checks (it works in ``process_view``), so a replay is
    only ever sent to the user who made the first request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            response = self.get_response(request)
        except BaseException:
            claim = getattr(request, _CLAIM, None)
            if claim is not None:
                once_release(claim)
            raise
        claim = getattr(request, _CLAIM, None)
        if claim is not None:
            api = bool(getattr(request, "_convene_once_api", False))
            if api:
                kept = 200 <= response.status_code < 300
            else:
                kept = response.status_code in _REDIRECTS or hasattr(response, RESULT_ATTRIBUTE)
            if kept:
                once_finish(claim, response, keep_body=api)
            else:
                once_release(claim)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        if request.method != "POST":
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        api = request.path.startswith("/api/")
        if api:
            key = api_key_of(request)
            user_id = _api_user_id(request) if key else None
            fingerprint = api_fingerprint(request) if key else ""
        else:
            key = form_token_of(request)
            user = getattr(request, "user", None)
            user_id = user.pk if key and user is not None and user.is_authenticated else None
            fingerprint = request.path
        if key is None or user_id is None:
            return None
        kind = OnceKey.Kind.API if api else OnceKey.Kind.FORM
        try:
            outcome = once_begin(user_id=user_id, kind=kind, key=key, fingerprint=fingerprint)
        except Mismatch:
            if api:
                return JsonResponse(
                    {"detail": "This Idempotency-Key was already used for a different request"},
                    status=422,
                )
            return None  # the same page token sent to another form: just a new submission
        except Busy:
            if api:
                return JsonResponse(
                    {"detail": "A request with this Idempotency-Key is still being processed"},
                    status=409,
                )
            return render(request, "409.html", status=409)
        if isinstance(outcome, Answered):
            return _replay(outcome, api=api)
        assert isinstance(outcome, Claimed)
        setattr(request, _CLAIM, outcome)
        request._convene_once_api = api  # type: ignore[attr-defined]
        return None
