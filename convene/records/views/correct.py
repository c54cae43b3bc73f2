"""Starting a correction of an authorised record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from convene.core.errors import ServiceError
from convene.records import forms as record_forms
from convene.records import services
from convene.records.policy import may_chair
from convene.records.views._common import (
    _act,
    _add_error,
    _audit_look,
    _context,
    _draft_record,
)


def correct(request: HttpRequest, pk: int) -> HttpResponse:
    user, record = _draft_record(request, pk)
    if not may_chair(user, record.discussion):
        raise PermissionDenied("Only the chair or a manager who may chair corrects the record")
    form = record_forms.CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _act(
                request,
                services.record_correction_start,
                record=record,
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "The record is open for the correction")
            return redirect("records:task-list", pk)
    _audit_look(request, record, "Opened ‘Correct the record’")
    return render(request, "records/correct.html", _context(request, record, form=form))
