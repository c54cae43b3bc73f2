"""The idle time-out, kept without a database write on every request (issue 15).

A signed-in session ends ``SESSION_COOKIE_AGE`` after it was last extended. Saving it
on every request (``SESSION_SAVE_EVERY_REQUEST``) cost each page an UPDATE and a commit
of the session row: under load, one write for every read. Extending it at most once
per ``EXTEND_EVERY`` keeps the time-out within that margin of the limit: a person idle
for ``SESSION_COOKIE_AGE`` is always signed out, one idle for a minute less may be.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponseBase

EXTEND_EVERY = 60  # seconds
EXTENDED_AT = "idle_extended_at"

Handler = Callable[[HttpRequest], HttpResponseBase]


def extend_idle_session(get_response: Handler) -> Handler:
    """Middleware: mark a signed-in session for saving (which moves its expiry) once a
    minute; ``SessionMiddleware``, outside it, saves it on the way out."""

    def with_session_extended(request: HttpRequest) -> HttpResponseBase:
        _extend(request.session)
        return get_response(request)

    return with_session_extended


def _extend(session: SessionBase) -> None:
    if SESSION_KEY not in session:  # not signed in: an anonymous visit never makes a session
        return
    now = int(time.time())
    if now - session.get(EXTENDED_AT, 0) >= EXTEND_EVERY:
        session[EXTENDED_AT] = now  # modified, so it is saved with a new expiry
