"""Escalation pages: list, one escalation (acknowledge, resolve), raise one (R004.8).

Views parse input, call one service and redirect; who may see and act is in
:mod:`convene.clocks.selectors`. An escalation you may not see is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record
from convene.clocks import selectors
from convene.clocks.escalations import (
    EscalationError,
    clock_audit_look,
    escalation_acknowledge,
    escalation_audit_look,
    escalation_raise,
    escalation_resolve,
)
from convene.clocks.forms import RaiseEscalationForm, ResolveEscalationForm
from convene.clocks.labels import addressee_label
from convene.clocks.models import ESCALATION_OPEN_STATES, Clock, Escalation
from convene.core import access
from convene.core.pagination import cursor_of
from convene.people.models import Professional
from convene.people.selectors import partnerships_of, sees_whole_caseload
from convene.people.signed_in import professional_of
from convene.people.vocab import AgencyKind

PAGE_SIZE = 25
STATE_FILTERS: dict[str, tuple[str, list[str]]] = {
    "open": ("Open", list(ESCALATION_OPEN_STATES)),
    "raised": ("Raised", [Escalation.State.RAISED]),
    "acknowledged": ("Acknowledged", [Escalation.State.ACKNOWLEDGED]),
    "resolved": ("Resolved", [Escalation.State.RESOLVED]),
    "all": ("All", [choice.value for choice in Escalation.State]),
}


_professional = professional_of


@require_GET
def escalation_list(request: HttpRequest) -> HttpResponse:
    user = _professional(request)
    state = request.GET.get("state", "open")
    if state not in STATE_FILTERS:
        state = "open"
    # Newest first, a keyset page at a time (``?before=<id>``): no offset, bounded count.
    page = selectors.escalations_page(
        user=user,
        states=STATE_FILTERS[state][1],
        before=cursor_of(request.GET.get("before")),
        size=PAGE_SIZE,
    )
    found = f"more than {page.count}" if page.more_than else str(page.count)
    # A list is one look, as a search is: one entry, not one per escalation shown.
    context = AuditContext.from_request(request)
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        summary=f"Listed escalations ({state}), {'first page' if page.first else 'a later page'}"
        f": {found} found",
        context=context,
    )
    return render(
        request,
        "clocks/escalation_list.html",
        {
            "page": page,
            "state": state,
            "filters": [(key, label) for key, (label, _) in STATE_FILTERS.items()],
            "state_label": STATE_FILTERS[state][0],
            "may_raise": selectors.may_raise_escalation(user=user),
        },
    )


def _detail_context(
    user: Professional, escalation: Escalation, form: ResolveEscalationForm | None = None
) -> dict[str, Any]:
    return {
        "escalation": escalation,
        "may_act": selectors.escalation_may_act(user=user, escalation=escalation),
        "sees_subject": sees_whole_caseload(user=user),
        "addressed_labels": [
            addressee_label(v) for v in [*escalation.addressed_roles, *escalation.addressed_parties]
        ],
        "unresolved_labels": [addressee_label(v) for v in escalation.unresolved],
        "addressed_to": list(escalation.addressed_to.all()),
        "addressed_agencies": list(escalation.addressed_agencies.all()),
        "form": form or ResolveEscalationForm(),
    }


def _visible(user: Professional, pk: int) -> Escalation:
    return get_object_or_404(
        selectors.escalations_visible_to(user=user).select_related(
            "partnership",
            "raised_by",
            "raised_by_agency",
            "acknowledged_by",
            "resolved_by",
            "clock",
        ),
        pk=pk,
    )


@require_GET
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    escalation = _visible(user, pk)
    context = AuditContext.from_request(request)
    escalation_audit_look(escalation=escalation, by=user, context=context)
    return render(request, "clocks/escalation_detail.html", _detail_context(user, escalation))


@require_POST
def escalation_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    escalation = _visible(user, pk)
    if not selectors.escalation_may_act(user=user, escalation=escalation):
        raise PermissionDenied("You cannot acknowledge this escalation")
    try:
        context = AuditContext.from_request(request)
        escalation_acknowledge(escalation=escalation, by=user, now=timezone.now(), context=context)
    except EscalationError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, "Escalation acknowledged")
    return redirect("clocks:escalation-detail", pk=escalation.pk)


@require_POST
def escalation_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    escalation = _visible(user, pk)
    if not selectors.escalation_may_act(user=user, escalation=escalation):
        raise PermissionDenied("You cannot resolve this escalation")
    form = ResolveEscalationForm(request.POST)
    context = AuditContext.from_request(request)
    if form.is_valid():
        try:
            escalation_resolve(
                escalation=escalation,
                by=user,
                outcome=form.cleaned_data["outcome"],
                now=timezone.now(),
                context=context,
            )
        except EscalationError as error:
            form.add_error(error.field if error.field == "outcome" else None, str(error))
        else:
            messages.success(request, "Escalation resolved")
            return redirect("clocks:escalation-detail", pk=escalation.pk)
    escalation_audit_look(escalation=escalation, by=user, context=context)
    return render(request, "clocks/escalation_detail.html", _detail_context(user, escalation, form))


@require_http_methods(["GET", "POST"])
def escalation_raise_view(request: HttpRequest) -> HttpResponse:
    user = _professional(request)
    access.require_write(user=user)
    if not selectors.may_raise_escalation(user=user):
        raise PermissionDenied("You cannot raise an escalation")
    assert user.agency is not None
    partnerships = partnerships_of(user=user).order_by("name")
    to_partner = user.agency.kind == AgencyKind.SOCIAL_CARE.value
    agencies = None
    if to_partner:
        agencies = selectors.partner_agencies_of(partnerships=partnerships).order_by("name")
    clock = _clock_from(request, user)
    form = RaiseEscalationForm(
        request.POST if request.method == "POST" else None,
        partnerships=partnerships,
        agencies=agencies,
    )
    context = AuditContext.from_request(request)
    if request.method == "POST" and form.is_valid():
        try:
            escalation = escalation_raise(
                by=user,
                partnership=form.cleaned_data["partnership"],
                direction=(
                    Escalation.Direction.SOCIAL_CARE_TO_PARTNER
                    if to_partner
                    else Escalation.Direction.PARTNER_TO_SOCIAL_CARE
                ),
                agency=form.cleaned_data.get("agency"),
                what_is_late=form.cleaned_data["what_is_late"],
                details=form.cleaned_data["details"],
                responsible=form.cleaned_data["responsible"],
                clock=clock,
                now=timezone.now(),
                context=context,
            )
        except EscalationError as error:
            # Every problem the service found, each on its field (issue 18: all at once).
            for problem in error.errors:
                field = problem.field if problem.field in form.fields else None
                form.add_error(field, str(problem))
        else:
            messages.success(request, "Escalation raised")
            return HttpResponseRedirect(reverse("clocks:escalation-detail", args=[escalation.pk]))
    if clock is not None:  # the page shows what the timescale is about
        clock_audit_look(
            clock=clock,
            by=user,
            what="Opened ‘Raise an escalation’ about a timescale",
            context=context,
        )
    return render(
        request,
        "clocks/escalation_raise.html",
        {
            "form": form,
            "to_partner": to_partner,
            "clock": clock,
            "several_partnerships": partnerships.count() > 1,
        },
    )


def _clock_from(request: HttpRequest, user: Professional) -> Clock | None:
    raw = request.GET.get("clock") or request.POST.get("clock")
    if not raw:
        return None
    if not raw.isdigit():
        raise PermissionDenied("You cannot escalate this timescale")
    clock = selectors.clocks_visible_to(user=user).filter(pk=int(raw)).first()
    if clock is None:
        raise PermissionDenied("You cannot escalate this timescale")
    return clock
