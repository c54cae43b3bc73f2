"""A signed-in person's look at a child's page, in the audit log (DESIGN: every view of a child
is audited)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model
from django.http import HttpRequest

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record
from convene.people.models import Child
from convene.people.signed_in import professional_of


def audit_view(
    request: HttpRequest, *, obj: Model, summary: str, children: Iterable[Child]
) -> None:
    """Record a look at a child's page (DESIGN: every view of a child is audited)."""
    about: list[Child | None] = [*children] or [None]
    context = AuditContext.from_request(request)
    for child in about:
        audit_record(
            actor=professional_of(request),
            action=AuditAction.VIEW,
            obj=obj,
            child=child,
            summary=summary,
            context=context,
        )


def audit_list(request: HttpRequest, summary: str) -> None:
    """A list names children, as a search does: one entry for the page, not one per row."""
    audit_record(
        actor=professional_of(request),
        action=AuditAction.SEARCH,
        summary=summary,
        context=AuditContext.from_request(request),
    )
