"""The API under /api/, and its "API tokens" and "Webhooks" pages under /account/
(URL namespace ``api_access``: django-ninja owns ``api``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path, re_path

from convene.api import views, webhook_views
from convene.api.api import api


@login_not_required
def api_not_found(request: HttpRequest) -> JsonResponse:
    """Unknown paths under /api/ answer in JSON, as the API's own errors do."""
    return JsonResponse({"detail": "Not Found"}, status=404)


DOCS = {"openapi-json", "openapi-view"}  # guarded by docs_access instead


def _api_patterns() -> tuple[list[URLPattern | URLResolver], str, str]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        # Endpoints authenticate each request by bearer token (BearerToken), not by
        # session, so the site-wide sign-in redirect must not apply to them.
        if isinstance(pattern, URLPattern) and pattern.name not in DOCS:
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns, app_name, namespace


# The API's own pages, namespaced: django-ninja already owns the "api" namespace.
access_pages = [
    path("api-tokens/", views.api_tokens, name="api-tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("webhooks/", webhook_views.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", webhook_views.webhook_detail, name="webhook-detail"),
    path("webhooks/<int:pk>/active/", webhook_views.webhook_active, name="webhook-active"),
    path(
        "webhooks/deliveries/<int:pk>/retry/",
        webhook_views.delivery_retry,
        name="webhook-delivery-retry",
    ),
]

urlpatterns = [
    path("api/", _api_patterns()),
    re_path(r"^api/", api_not_found),
    path("account/", include((access_pages, "api_access"))),
]
