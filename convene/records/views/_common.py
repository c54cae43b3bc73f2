"""What every record page shares: who is asking, the audit of a look, the page context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.core.errors import ServiceError
from convene.core.forms import add_service_errors
from convene.people.models import Professional
from convene.people.signed_in import professional_of
from convene.policy.vocab import RecordSection
from convene.records import sections, selectors
from convene.records.incomplete import incomplete_shown
from convene.records.models import Record, RecordSectionEntry
from convene.records.policy import may_chair

_user = professional_of
_Result = TypeVar("_Result")


def _act(request: HttpRequest, service: Callable[..., _Result], /, **arguments: Any) -> _Result:
    """Call a records service as the signed-in user, now, with the request's audit context."""
    return service(
        **arguments,
        by=_user(request),
        now=timezone.now(),
        context=AuditContext.from_request(request),
    )


def _draft_record(request: HttpRequest, pk: int) -> tuple[Professional, Record]:
    """The user and the record, for those who see its draft; 404 for anyone else."""
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    if not selectors.sees_draft(user=user, discussion=record.discussion):
        raise Http404("No such record")
    return user, record


def _task_list(record: Record) -> str:
    return reverse("records:task-list", args=[record.discussion_id])


def _add_error(form: forms.BaseForm, error: ServiceError) -> None:
    """Every mistake the service found, each on its field (issue 18: all at once)."""
    add_service_errors(form, error)


def _entry(record: Record, section: RecordSection) -> RecordSectionEntry:
    return RecordSectionEntry.objects.filter(record=record, section=section.value).first() or (
        RecordSectionEntry(
            record=record, section=section.value, content=sections.part(section).empty()
        )
    )


def _editable(user: Professional, record: Record) -> None:
    if not selectors.sees_draft(user=user, discussion=record.discussion):
        raise Http404("No such record")
    if not may_chair(user, record.discussion):
        raise PermissionDenied("Only the chair or a manager who may chair changes the record")
    if not record.draft_open:
        raise PermissionDenied("The record is authorised: start a correction to change it")


def _audit_look(
    request: HttpRequest,
    record: Record,
    what: str,
    *,
    action: Action = Action.VIEW,
    obj: Model | None = None,
) -> None:
    """A look at the record is a look at each child discussed: one entry per child."""
    context = AuditContext.from_request(request)
    audit_record_children(
        actor=_user(request),
        action=action,
        obj=obj or record,
        children=record.discussion.children.all(),
        summary=f"{what} (record of {record.discussion.reference})",
        context=context,
    )


def _context(request: HttpRequest, record: Record, **extra: Any) -> dict[str, Any]:
    return {
        "record": record,
        "discussion": record.discussion,
        "children": list(record.discussion.children.all()),
        "can": selectors.permissions(user=_user(request), record=record),
        # A part saved incomplete just before: what it lacks, shown once (issue 18).
        "incomplete": incomplete_shown(request),
        **extra,
    }


def _page(request: HttpRequest, record: Record, template: str, **extra: Any) -> HttpResponse:
    """The record page ``template`` with what every record page shows and ``extra``."""
    return render(request, template, _context(request, record, **extra))


def _posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        # Only a tampered or truncated form lacks it: a 400, never a 500.
        raise BadRequest("The form is missing its version: reload the page") from None
