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
from django.http import HttpRequest, HttpResponseBase

EXTEND_EVERY = 60  # seconds
EXTENDED_AT = "idle_extended_at"


class ExtendIdleSessionMiddleware:
    """Mark a signed-in session for saving (which moves its expiry) once a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = request.session
        if SESSION_KEY in session:  # signed in; an anonymous visit never makes a session
            now = int(time.time())
            if now - session.get(EXTENDED_AT, 0) >= EXTEND_EVERY:
                session[EXTENDED_AT] = now  # modified, so SessionMiddleware saves it
        return self.get_response(request)
