from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from convene.core.admin import ReadOnlyAdmin
from convene.reminders.models import Delivery, PeriodicRun
from convene.reminders.services import delivery_retry


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin[Delivery]):
    list_display = [
        "decided_at",
        "channel",
        "kind",
        "recipient_key",
        "to_address",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "failed_at",
    ]
    list_filter = ["state", "channel", "kind", "partnership"]
    search_fields = ["to_address", "message_id", "last_error"]
    date_hierarchy = "decided_at"
    actions = ["try_again"]

    @admin.action(description="Try the selected failed emails again")
    def try_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = 0
        for delivery in queryset.filter(state=Delivery.State.FAILED):
            delivery_retry(delivery=delivery, now=timezone.now())
            count += 1
        self.message_user(request, f"{count} email(s) will be sent again", messages.SUCCESS)


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin[PeriodicRun]):
    list_display = ["task_path", "slot_start", "enqueued_at", "task_result_id"]
    list_filter = ["task_path"]
