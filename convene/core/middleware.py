from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Nothing Convene serves (static files aside) may be kept by a browser or proxy.

    Staff use shared and locked-down devices: after sign-out, the back button must
    not bring a child's record back from the cache. Static files are served by
    WhiteNoise before this runs and keep their own long cache headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
