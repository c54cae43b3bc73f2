from django.contrib import admin

from convene.clocks.models import Clock, Escalation


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    # Clocks and escalations move only through their services, which keep history and audit.
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Clock)
class ClockAdmin(_ReadOnly):
    list_display = ["kind", "rule_id", "state", "started_at", "due_at", "met_at", "partnership"]
    list_filter = ["state", "kind", "partnership"]
    date_hierarchy = "due_at"


@admin.register(Escalation)
class EscalationAdmin(_ReadOnly):
    list_display = ["raised_at", "direction", "level", "what_is_late", "state", "partnership"]
    list_filter = ["state", "direction", "level", "partnership"]
    date_hierarchy = "raised_at"
