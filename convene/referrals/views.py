"""Referral pages: the list, one referral, and the triage decision. Thin: parse, call, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.core.errors import NotAllowed, ServiceError, StaleVersion
from convene.core.forms import add_service_errors
from convene.core.pagination import CappedPaginator
from convene.people.models import Professional
from convene.people.selectors import sees_whole_caseload
from convene.people.signed_in import professional_of
from convene.policy.explain_text import explanation_to_dict
from convene.referrals.auditing import audit_referral_viewed
from convene.referrals.forms import TriageForm
from convene.referrals.models import Referral
from convene.referrals.reasons import reasons_still_asked
from convene.referrals.selectors import (
    LIST_DEFERRED,
    may_decide_and_convene,
    may_record_referrals,
    referral_children,
    referral_convene_clock,
    referral_triage_clock,
    referrals_visible_to,
    triage_preview,
)
from convene.referrals.services import referral_accept, referral_override

PAGE_SIZE = 25


_professional = professional_of


def referral_list(request: HttpRequest) -> HttpResponse:
    user = _professional(request)
    if not sees_whole_caseload(user=user):
        raise PermissionDenied("Referrals are for children's social care")
    status = request.GET.get("status", "")
    referrals = (
        referrals_visible_to(user=user)
        .defer(*LIST_DEFERRED)
        .select_related("referrer_agency")
        .prefetch_related("children")
        .order_by("-received_at", "-pk")
    )
    if status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    # Counted up to 1,000 (issue 15: a partnership's whole history is 60,000 at 50,000
    # discussions); beyond, the page says "more than 1,000".
    paginator = CappedPaginator(referrals, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # A list is one look, as a search is: one entry, not one per referral shown.
    which = f"status {status}" if status in Referral.Status.values else "any status"
    summary = f"Listed referrals ({which}), page {page.number}: {paginator.found} found"
    audit_record(
        actor=user,
        action=Action.SEARCH,
        summary=summary,
        context=AuditContext.from_request(request),
    )
    return render(
        request,
        "referrals/list.html",
        {
            "page": page,
            "status": status,
            "statuses": Referral.Status.choices,
            "may_record": may_record_referrals(user=user),
        },
    )


def _visible(user: Professional, pk: int) -> Referral:
    # 404, not 403: a referral you may not see is one you do not know exists.
    return get_object_or_404(
        referrals_visible_to(user=user).select_related(
            "partnership", "referrer_agency", "decided_by", "created_by"
        ),
        pk=pk,
    )


def _audit_view(request: HttpRequest, user: Professional, referral: Referral, what: str) -> None:
    summary = f"Viewed {what} (referral {referral.reference})"
    context = AuditContext.from_request(request)
    audit_referral_viewed(referral, summary=summary, by=user, context=context)


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    referral = _visible(user, pk)
    _audit_view(request, user, referral, "the referral")
    clock = referral_convene_clock(referral=referral)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "children": referral_children(referral=referral),
            "clock": clock,
            "triage_clock": referral_triage_clock(referral=referral),
            "explanation": referral.explanation or {},
            "discussions": referral.discussions.select_related("chair").order_by("starts_at", "pk"),
            "may_decide": may_decide_and_convene(user=user),
            "reasons": referral.reasons.select_related("recorded_by"),
            "now": timezone.now(),
        },
    )


def referral_triage_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    referral = _visible(user, pk)
    if not may_decide_and_convene(user=user):
        raise PermissionDenied("Only a social care manager decides the pathway")
    if referral.status != Referral.Status.AWAITING_TRIAGE:
        messages.success(request, f"Referral {referral.reference} has already been triaged")
        return redirect("referrals:detail", pk=referral.pk)
    if request.method == "GET":
        _audit_view(request, user, referral, "the triage")
    recommended = referral.recommended_pathway
    preview = triage_preview(referral=referral, now=timezone.now())
    asked = reasons_still_asked(referral, preview.explanation)
    form = TriageForm(
        request.POST or None,
        recommended=recommended,
        asked=asked,
        # No option is chosen for the manager (issue 18): the recommendation is a hint.
        initial={"version": referral.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            context = AuditContext.from_request(request)
            if form.accepts:
                referral = referral_accept(
                    referral=referral,
                    by=user,
                    now=timezone.now(),
                    expected_version=data["version"],
                    reasons=form.reasons,
                    context=context,
                )
            else:
                referral = referral_override(
                    referral=referral,
                    pathway=data["pathway"],
                    reason=data["override_reason"],
                    by=user,
                    now=timezone.now(),
                    expected_version=data["version"],
                    reasons=form.reasons,
                    context=context,
                )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except ServiceError as error:
            add_service_errors(form, error)
            if isinstance(error, StaleVersion):
                # Show the referral as it is now; the next submission acts on this version.
                referral.refresh_from_db()
                form = TriageForm(
                    {**request.POST.dict(), "version": referral.version},
                    recommended=referral.recommended_pathway,
                    asked=asked,
                )
                form.is_valid()
                form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"{referral.get_chosen_pathway_display()} decided for {referral.reference}",
            )
            return redirect("referrals:detail", pk=referral.pk)
    now = timezone.now()
    preview = triage_preview(referral=referral, now=now)
    explanation = explanation_to_dict(preview.explanation)
    convene = [d for d in explanation["deadlines"] if d["clock"] == "convene"]
    return render(
        request,
        "referrals/triage.html",
        {
            "referral": referral,
            "children": referral_children(referral=referral),
            "form": form,
            "explanation": explanation,
            "convene_deadlines": convene,
            "convenes": bool(preview.convene_deadline),
            "now": now,
        },
    )
