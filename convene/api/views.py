"""The "API tokens" page: each person creates and revokes their own tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from convene.api import selectors, services
from convene.api.forms import ApiTokenForm
from convene.core.once import once_result
from convene.people.signed_in import professional_of

_professional = professional_of


@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = _professional(request)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, raw = services.api_token_create(
            user=user,
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
        )
        # Shown in this response only; it is not stored and cannot be shown again
        # (a double submit lands on the list, where the one new token is).
        shown = render(request, "api/token_created.html", {"token": token, "raw": raw})
        return once_result(shown, reverse("api_access:api-tokens"))
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_of(user=user),
            "token_days": settings.CONVENE_API_TOKEN_DAYS,
        },
    )


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    token = get_object_or_404(selectors.api_tokens_of(user=user), pk=pk)
    services.api_token_revoke(token=token, by=user)
    messages.success(request, f"API token ‘{token.name}’ revoked")
    return redirect("api_access:api-tokens")
