"""The "Webhooks" pages: a partnership admin registers the case system's addresses that
receive signed events, pauses them, and reads (and retries) their delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.api import selectors, webhook_services
from convene.api.forms import WebhookEndpointForm
from convene.api.models import WebhookDelivery, WebhookEndpoint
from convene.api.webhooks import EVENT_LABELS
from convene.core.once import once_result
from convene.people.models import Professional
from convene.people.selectors import partnerships_of

LOG_PAGE_SIZE = 25


def _admin(request: HttpRequest) -> Professional:
    user = request.user
    assert isinstance(user, Professional)  # LoginRequiredMiddleware guarantees it
    if not selectors.may_manage_webhooks(user=user):
        raise PermissionDenied("Only partnership admins manage webhooks")
    return user


def _endpoint(user: Professional, pk: int) -> WebhookEndpoint:
    """Another partnership's endpoint answers as one that does not exist."""
    return get_object_or_404(
        selectors.webhook_endpoints_managed_by(user=user).select_related("partnership"), pk=pk
    )


@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    partnerships = partnerships_of(user=user).order_by("name")
    form = WebhookEndpointForm(request.POST or None, partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        endpoint = webhook_services.webhook_endpoint_register(
            by=user,
            partnership=form.cleaned_data["partnership"],
            name=form.cleaned_data["name"],
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
        )
        # The secret is shown in this response only: a repeat lands on the endpoint's page.
        shown = render(request, "api/webhook_created.html", {"endpoint": endpoint})
        return once_result(shown, reverse("api_access:webhook-detail", args=[endpoint.pk]))
    endpoints = selectors.webhook_endpoints_managed_by(user=user).select_related("partnership")
    page = Paginator(endpoints.order_by("name", "pk"), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # One read answers both "is there only one?" and "which?" (the form's hidden field).
    first_two = list(partnerships[:2])
    only_partnership = first_two[0] if len(first_two) == 1 else None
    return render(
        request,
        "api/webhooks.html",
        {"form": form, "page": page, "only_partnership": only_partnership},
    )


@require_GET
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    endpoint = _endpoint(user, pk)
    page = Paginator(selectors.webhook_deliveries_of(endpoint=endpoint), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for delivery in page.object_list:
        delivery.event_label = EVENT_LABELS.get(delivery.event, delivery.event)
    chosen = [EVENT_LABELS[e] for e in endpoint.events if e in EVENT_LABELS]
    return render(
        request,
        "api/webhook_detail.html",
        {
            "endpoint": endpoint,
            "events": chosen or ["Every event"],
            "page": page,
        },
    )


@require_POST
def webhook_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    endpoint = _endpoint(user, pk)
    active = request.POST.get("active") == "true"
    webhook_services.webhook_endpoint_set_active(endpoint=endpoint, active=active, by=user)
    messages.success(request, f"‘{endpoint.name}’ {'resumed' if active else 'paused'}")
    return redirect("api_access:webhook-detail", pk=endpoint.pk)


@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    delivery = get_object_or_404(
        WebhookDelivery.objects.filter(
            endpoint__in=selectors.webhook_endpoints_managed_by(user=user)
        ),
        pk=pk,
    )
    if webhook_services.webhook_delivery_retry(delivery=delivery, by=user, now=timezone.now()):
        messages.success(request, f"Delivery {delivery.pk} will be sent again")
    else:
        messages.error(request, f"Delivery {delivery.pk} has not given up, so it was left alone")
    return redirect("api_access:webhook-detail", pk=delivery.endpoint_id)
