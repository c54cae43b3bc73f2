"""What every follow-through page does the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record
from convene.core.errors import NotAllowed, NotFound, ServiceError
from convene.core.forms import add_service_errors
from convene.people.models import Child, Professional

T = TypeVar("T")

# Where a service's complaint about an argument shows on the page.
FIELD_OF = {
    "visited_at": "visited_on",
    "conference_at": "conference_on",
    "held_at": "held_on",
}


def user_of(request: HttpRequest) -> Professional:
    user = request.user
    assert isinstance(user, Professional)  # LoginRequiredMiddleware guarantees it
    return user


def add_error(form: forms.BaseForm, error: ServiceError) -> None:
    add_service_errors(form, error, FIELD_OF)


def attempt(form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Call a service: its refusal shows on the form; not allowed is 403, not found 404."""
    try:
        return call()
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except NotFound as error:
        raise Http404(error.message) from error
    except ServiceError as error:
        add_error(form, error)
        return None


def version_of(form: forms.BaseForm) -> int | None:
    value: Any = form.cleaned_data.get("version")
    return value if isinstance(value, int) else None


def posted(request: HttpRequest) -> Any:
    """The POST data to bind a form to, even when empty (a form of optional fields still
    submits), or None for a GET."""
    return request.POST if request.method == "POST" else None


def audit_view(
    request: HttpRequest, *, obj: Model, summary: str, children: Iterable[Child]
) -> None:
    """Record a look at a child's follow-through (DESIGN: every view of a child is audited)."""
    about: list[Child | None] = [*children] or [None]
    context = AuditContext.from_request(request)
    for child in about:
        audit_record(
            actor=user_of(request),
            action=AuditAction.VIEW,
            obj=obj,
            child=child,
            summary=summary,
            context=context,
        )


def audit_list(request: HttpRequest, summary: str) -> None:
    """A list names children, as a search does: one entry for the page, not one per row."""
    context = AuditContext.from_request(request)
    audit_record(
        actor=user_of(request), action=AuditAction.SEARCH, summary=summary, context=context
    )
