from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from convene.audit.context import AuditContext
from convene.audit.models import Action, AuditEntry
from convene.audit.services import audit_record
from convene.core.admin import ReadOnlyAdmin

if TYPE_CHECKING:  # audit sits below people: it names their models only in type hints
    from convene.people.models import Professional


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[AuditEntry]):
    """Read-only: the log can be searched here but never added to, changed or deleted."""

    list_display = ["sequence", "at", "actor_username", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_id", "summary"]
    ordering = ["-sequence"]
    show_full_result_count = False
    actions = None


M = TypeVar("M", bound=Model)


class AuditedAdmin(admin.ModelAdmin[M]):
    """An admin whose reads and changes go in the audit log, as the pages' do.

    For case records (children, family members): the admin is one more way to
    look at a child's data, so it is audited the same way. The entries are written
    inside the admin's own transaction (``log_*`` run within ``changeform_view``).
    """

    def _actor(self, request: HttpRequest) -> Professional | None:
        return request.user if isinstance(request.user, get_user_model()) else None

    def _record(self, request: HttpRequest, action: Action, obj: Model, summary: str) -> None:
        context = AuditContext.from_request(request)
        audit_record(
            actor=self._actor(request),
            action=action,
            obj=obj,
            summary=f"{summary} in the administration pages",
            context=context,
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                self._record(request, Action.VIEW, obj, "Viewed")
        return response

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            query = request.GET.get("q", "").strip()
            searched = f" searching for ‘{query}’" if query else ""
            context = AuditContext.from_request(request)
            audit_record(
                actor=self._actor(request),
                action=Action.SEARCH,
                summary=f"Listed {self.model._meta.verbose_name_plural}{searched} "
                "in the administration pages",
                context=context,
            )
        return response

    def log_addition(self, request: HttpRequest, obj: M, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        self._record(request, Action.CREATE, obj, "Created")
        return entry

    def log_change(self, request: HttpRequest, obj: M, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        self._record(request, Action.CHANGE, obj, "Changed")
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self._record(request, Action.DELETE, obj, "Deleted")
        return entries
