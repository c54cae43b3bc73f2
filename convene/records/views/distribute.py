"""Sending an authorised version to the attendees and the outcome to the others."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from convene.core.errors import NotAllowed, ServiceError
from convene.records import selectors, services
from convene.records.told import distribution_agency_options
from convene.records.told_forms import AddAgenciesForm
from convene.records.views._common import (
    _act,
    _add_error,
    _audit_look,
    _context,
    _draft_record,
)

# --- distribute, confirm, correct ------------------------------------------------------------


def distribute(request: HttpRequest, pk: int) -> HttpResponse:
    _, record = _draft_record(request, pk)
    version = record.versions.order_by("-number").first()
    if version is None:
        return redirect("records:check", pk)
    add = AddAgenciesForm(
        request.POST if request.method == "POST" else None,
        options=distribution_agency_options(discussion=record.discussion),
    )
    if request.method == "POST" and add.is_valid():
        try:
            _act(
                request,
                services.record_distribute,
                record=record,
                agencies=list(add.cleaned_data["agencies"]),
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            _add_error(add, error)
        else:
            messages.success(request, f"Version {version.number} sent")
            return redirect("records:confirmations", pk)
    attendance = list(version.attendance.select_related("professional", "agency"))
    referrer_name = record.discussion.referral.referrer_name
    _audit_look(request, record, f"Opened ‘Send version {version.number}’", obj=version)
    return render(
        request,
        "records/distribute.html",
        _context(
            request,
            record,
            version=version,
            attendees=[a for a in attendance if a.status == "attended"],
            absent=[a for a in attendance if a.status != "attended"],
            referrer=referrer_name,
            deliveries=selectors.deliveries(version=version),
            form=add,
        ),
    )
