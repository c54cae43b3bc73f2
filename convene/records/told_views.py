"""The chair's "Record how you told them" page (R002.9, told means told)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from convene.audit.context import AuditContext
from convene.core.errors import NotAllowed, ServiceError
from convene.records import selectors
from convene.records.models import DistributionLog
from convene.records.policy import may_chair
from convene.records.told import TOLD, outcome_told_record
from convene.records.told_forms import ToldForm
from convene.records.views._common import _add_error, _audit_look, _context, _user

__all__ = ["told"]


def told(request: HttpRequest, pk: int, log_pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    if not selectors.sees_draft(user=user, discussion=record.discussion):
        raise PermissionDenied("Only children's social care records how people were told")
    log = get_object_or_404(
        DistributionLog.objects.select_related("version"),
        pk=log_pk,
        version__record=record,
        kind=DistributionLog.Kind.OUTCOME,
    )
    if not may_chair(user, record.discussion):
        raise PermissionDenied("Only the chair or a manager who may chair records this")
    if log.outcome in TOLD:
        messages.info(request, f"{log.recipient} has already been told")
        return redirect("records:confirmations", pk)
    form = ToldForm(
        request.POST if request.method == "POST" else None,
        initial={"told_by": user.get_full_name()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            context = AuditContext.from_request(request)
            outcome_told_record(
                log=log,
                how=form.cleaned_data["how"],
                told_at=form.told_at(),
                told_by=form.cleaned_data["told_by"],
                by=user,
                now=timezone.now(),
                context=context,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            if error.field == "told_at":
                error.field = "date"
            _add_error(form, error)
        else:
            messages.success(request, f"Recorded how {log.recipient} was told the outcome")
            return redirect("records:confirmations", pk)
    _audit_look(request, record, "Opened ‘Record how you told them’", obj=log.version)
    return render(request, "records/told.html", _context(request, record, log=log, form=form))
