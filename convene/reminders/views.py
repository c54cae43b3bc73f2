"""Notifications (in-app reminders and notices) and, for admins, failed emails."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from convene.core.pagination import cursor_of
from convene.people.signed_in import professional_of
from convene.reminders import notices, selectors, services

PAGE_SIZE = 25


_professional = professional_of


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """Newest first, a keyset page at a time (``?before=<pk>``): never a count of them all."""
    user = _professional(request)
    page = notices.notices_page(user=user, before=cursor_of(request.GET.get("before")))
    return render(request, "reminders/notification_list.html", {"page": page})


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open one notice: need-to-know is checked again now; a hidden one is a 404."""
    user = _professional(request)
    notification = notices.notice_for(user=user, pk=pk)
    if notification is None:
        raise Http404("No such notification")
    services.notification_mark_read(notification=notification, now=timezone.now())
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("reminders:notification-list")


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    user = _professional(request)
    count = services.notifications_mark_read(user=user, now=timezone.now())
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read")
    return redirect("reminders:notification-list")


@require_GET
def failed_deliveries(request: HttpRequest) -> HttpResponse:
    user = _professional(request)
    if not selectors.may_manage_deliveries(user=user):
        raise PermissionDenied("Only partnership admins see failed emails")
    deliveries = selectors.deliveries_failed_visible_to(user=user).select_related(
        "recipient", "recipient_agency", "partnership"
    )
    page = Paginator(deliveries.order_by("-failed_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "reminders/failed_deliveries.html", {"page": page})


@require_POST
def delivery_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    if not selectors.may_manage_deliveries(user=user):
        raise PermissionDenied("Only partnership admins retry failed emails")
    delivery = get_object_or_404(selectors.deliveries_failed_visible_to(user=user), pk=pk)
    services.delivery_retry(delivery=delivery, now=timezone.now())
    messages.success(request, f"The email to {delivery.to_address} will be sent again")
    return redirect("reminders:deliveries-failed")
