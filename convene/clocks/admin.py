from django.contrib import admin

from convene.clocks.models import Clock


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin[Clock]):
    list_display = ["kind", "rule_id", "state", "started_at", "due_at", "met_at", "partnership"]
    list_filter = ["state", "kind", "partnership"]
    date_hierarchy = "due_at"

    # Clocks move only through their services, which keep history and audit.
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
