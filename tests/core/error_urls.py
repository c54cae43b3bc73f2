"""Extra routes for the error-page tests only, on top of the real URL configuration."""

from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from convene.core.access import require_write
from convene.people.models import Professional


def change_something(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, Professional)
    require_write(user=request.user)
    return HttpResponse("changed", content_type="text/plain")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a request that makes no sense")


def locked(request: HttpRequest) -> HttpResponse:
    raise OperationalError("database is locked")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail")


handler400 = "convene.core.error_pages.bad_request"
handler500 = "convene.core.error_pages.server_error"

urlpatterns = [
    path("test-only/change/", change_something),
    path("test-only/suspicious/", suspicious),
    path("test-only/broken/", broken),
    path("test-only/locked/", locked),
    path("", include("convene.urls")),
]
