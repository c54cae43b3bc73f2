"""Each attendee's confirmation, the chair's view of who has confirmed, resolving a request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from convene.core.access import require_write
from convene.core.errors import NotAllowed, ServiceError
from convene.records import forms as record_forms
from convene.records import selectors, services
from convene.records.models import Confirmation
from convene.records.policy import may_chair
from convene.records.told import outcome_untold
from convene.records.views._common import (
    _act,
    _add_error,
    _audit_look,
    _context,
    _draft_record,
    _page,
    _user,
)


def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    version = (
        selectors.versions_visible_to(user=user, record=record)
        .filter(distributed_at__isnull=False)
        .first()
    )
    if version is None:
        raise Http404("The record has not been distributed")
    mine = version.confirmations.filter(professional=user).first()
    attended = version.attendance.filter(professional=user, status="attended").exists()
    if request.method == "POST":
        require_write(user=user)  # an auditor's confirmation: 403, as every write page
    form = record_forms.ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _act(
                request,
                services.record_confirm,
                record=record,
                accurate=form.cleaned_data["accurate"],
                comment=form.cleaned_data["comment"],
            )
        except ServiceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Thank you: your response is recorded")
            return redirect("records:confirm", pk)
    _audit_look(request, record, f"Opened ‘Confirm version {version.number}’", obj=version)
    return _page(
        request,
        record,
        "records/confirm.html",
        version=version,
        form=form,
        mine=mine,
        attended=attended,
    )


def confirmations(request: HttpRequest, pk: int) -> HttpResponse:
    _, record = _draft_record(request, pk)
    version = record.versions.filter(distributed_at__isnull=False).order_by("-number").first()
    rows = selectors.confirmation_rows(version=version) if version else []
    earlier_open = Confirmation.objects.filter(
        version__record=record, response=Confirmation.Response.CORRECTION, resolution=""
    ).select_related("professional", "version")
    _audit_look(request, record, "Viewed who has confirmed", obj=version)
    return render(
        request,
        "records/confirmations.html",
        _context(
            request,
            record,
            version=version,
            rows=rows,
            open_corrections=earlier_open,
            deliveries=selectors.deliveries(version=version) if version else [],
            untold=list(outcome_untold(discussion=record.discussion)) if version else [],
        ),
    )


def resolve(request: HttpRequest, pk: int, confirmation_pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    confirmation = get_object_or_404(
        Confirmation.objects.select_related("professional", "version"),
        pk=confirmation_pk,
        version__record=record,
    )
    form = record_forms.ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _act(
                request,
                services.confirmation_resolve,
                confirmation=confirmation,
                note=form.cleaned_data["note"],
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Correction request resolved")
            return redirect("records:confirmations", pk)
    if not may_chair(user, record.discussion):
        raise PermissionDenied("Only the chair or a manager who may chair resolves corrections")
    _audit_look(request, record, "Opened a correction request", obj=confirmation)
    return _page(request, record, "records/resolve.html", confirmation=confirmation, form=form)
