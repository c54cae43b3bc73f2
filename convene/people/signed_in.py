"""Who is signed in: the professional behind a page request, written once for every app."""

from __future__ import annotations

from django.http import HttpRequest

from convene.people.models import Professional


def professional_of(request: HttpRequest) -> Professional:
    """The signed-in professional (LoginRequiredMiddleware guarantees one on every page)."""
    user = request.user
    assert isinstance(user, Professional)  # LoginRequiredMiddleware guarantees it
    return user
