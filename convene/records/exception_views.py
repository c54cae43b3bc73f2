"""The page where a manager records why social care, the police or health did not attend (R002.4).

Thin: the form checks the shape, ``attendance_exceptions.attendance_exception_record``
decides. Only the draft's readers find the page (404 otherwise); only a manager who
may authorise the record may record an exception (403 otherwise).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.core.errors import NotAllowed, ServiceError
from convene.core.forms import GovukForm, add_service_errors
from convene.people.models import Professional
from convene.records import attendance_exceptions, selectors
from convene.records.attendance_exceptions import Shortfall
from convene.records.policy import discussion_facts, discussion_pack, may_authorise

__all__ = ["attendance_exception"]


class AttendanceExceptionForm(GovukForm):
    party = forms.ChoiceField(
        label="Who did not attend?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who did not attend"},
    )
    reason = forms.CharField(
        label="Why can the record be authorised without them?",
        help_text="For example, what was done to get them there and how their agency's "
        "information was obtained. This shows on the record and its PDF.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=attendance_exceptions.REASON_MAX,
        error_messages={"required": "Enter why the record can be authorised without them"},
    )

    def __init__(self, *args: object, missing: list[Shortfall], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        party = self.fields["party"]
        assert isinstance(party, forms.ChoiceField)
        party.choices = [(s.party, s.label) for s in missing]


def attendance_exception(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, Professional)  # LoginRequiredMiddleware guarantees it
    record = selectors.record_for(user=user, pk=pk)
    discussion = record.discussion
    if not selectors.sees_draft(user=user, discussion=discussion):
        raise Http404("No such record")
    if not may_authorise(user, discussion):
        raise PermissionDenied(
            "Only a manager who may authorise the record records an attendance exception"
        )
    if not record.draft_open:
        raise PermissionDenied("The record is authorised: start a correction to change it")
    contents = selectors.record_contents(record=record)
    missing = attendance_exceptions.shortfalls(
        discussion_pack(discussion),
        discussion_facts(discussion),
        attendance_exceptions.attended_professionals(record, contents),
    )
    form = AttendanceExceptionForm(request.POST or None, missing=missing)
    context = AuditContext.from_request(request)
    if request.method == "POST" and form.is_valid():
        try:
            attendance_exceptions.attendance_exception_record(
                record=record,
                party=form.cleaned_data["party"],
                reason=form.cleaned_data["reason"],
                by=user,
                now=timezone.now(),
                context=context,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The attendance exception is recorded")
            return redirect("records:check", pk)
    audit_record_children(
        actor=user,
        action=Action.VIEW,
        obj=record,
        children=discussion.children.all(),
        summary=f"Opened ‘Record an attendance exception’ (record of {discussion.reference})",
        context=context,
    )
    return render(
        request,
        "records/attendance_exception.html",
        {
            "record": record,
            "discussion": discussion,
            "children": list(discussion.children.all()),
            "form": form,
            "missing": missing,
            "standing": attendance_exceptions.standing(record),
        },
        status=400 if form.errors else 200,
    )
