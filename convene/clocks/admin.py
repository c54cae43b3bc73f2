from django.contrib import admin

from convene.clocks.models import Clock, Escalation
from convene.core.admin import ReadOnlyAdmin


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin[Clock]):
    list_display = ["kind", "rule_id", "state", "started_at", "due_at", "met_at", "partnership"]
    list_filter = ["state", "kind", "partnership"]
    date_hierarchy = "due_at"


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin[Escalation]):
    list_display = ["raised_at", "direction", "level", "what_is_late", "state", "partnership"]
    list_filter = ["state", "direction", "level", "partnership"]
    date_hierarchy = "raised_at"
    # Many-to-many fields with a through model of their own (clocks.0013) are left out of
    # the admin's form: named here, they are shown, read only, as before.
    readonly_fields = ["addressed_to", "addressed_agencies"]
