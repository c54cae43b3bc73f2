"""Webhook endpoints (registered by a partnership administrator) and their delivery log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from convene.api.forms import WebhookAddressFields
from convene.api.models import WebhookDelivery, WebhookEndpoint
from convene.api.webhooks import secret_new
from convene.core.admin import ReadOnlyAdmin


class WebhookEndpointForm(forms.ModelForm, WebhookAddressFields):  # type: ignore[type-arg]
    class Meta:
        model = WebhookEndpoint
        fields = ["partnership", "name", "url", "events", "active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = WebhookEndpointForm
    list_display = ["name", "partnership", "url", "active", "created_at"]
    list_filter = ["partnership", "active"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.secret = secret_new()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:  # shown once: copy it into the receiving system now
            messages.warning(
                request, f"The signing secret (shown once, keep it safe): {obj.secret}"
            )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin[WebhookDelivery]):
    """The delivery log: read-only, as the worker alone moves a delivery."""

    list_display = [
        "created_at",
        "endpoint",
        "event",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["state", "event", "endpoint"]
