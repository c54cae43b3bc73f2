"""Allocation pages: change who holds a referral, discussion or S47 enquiry (managers only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from convene.allocation import selectors, services
from convene.allocation.forms import AllocationForm
from convene.allocation.selectors import Subject
from convene.allocation.work import with_children_named, work_unnamed
from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.core.pages import attempt, posted
from convene.discussions.selectors import discussions_visible_to
from convene.followup.enquiries.selectors import s47_enquiries_visible_to
from convene.people.looks import audit_view
from convene.people.signed_in import professional_of
from convene.referrals.selectors import may_decide_and_convene, referrals_visible_to


def _change(request: HttpRequest, subject: Subject, children: QuerySet | list) -> HttpResponse:  # type: ignore[type-arg]
    user = professional_of(request)
    # 404 came first (the selector); a worker who may see the case but not allocate it: 403.
    if not may_decide_and_convene(user=user):
        raise PermissionDenied("Only a social care manager changes who a case is allocated to")
    current = selectors.current_for(subject=subject)
    form = AllocationForm(
        posted(request),
        workers=selectors.allocatable_workers(partnership=subject.partnership_id),
        teams=selectors.teams_of(partnership=subject.partnership_id),
        initial={"team": current.team_id if current else None},
    )
    if request.method == "POST" and form.is_valid():
        context = AuditContext.from_request(request)
        done = attempt(
            form,
            # The form's fields (social worker, team, reason) are the service's own words.
            lambda: services.allocation_change(
                subject=subject, by=user, now=timezone.now(), context=context, **form.cleaned_data
            ),
        )
        if done is not None:
            return redirect(selectors.case_url(subject))
    audit_view(
        request,
        obj=subject,
        summary=f"Opened ‘Change allocation’ ({subject.reference})",
        children=list(children),
    )
    return render(
        request,
        "allocation/change.html",
        {
            "form": form,
            "subject": subject,
            "back_url": selectors.case_url(subject),
            "current": current,
            "history": selectors.history_for(subject=subject),
        },
    )


def referral_allocation(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(referrals_visible_to(user=professional_of(request)), pk=pk)
    return _change(request, referral, referral.children.all())


def discussion_allocation(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = get_object_or_404(
        discussions_visible_to(user=professional_of(request)).select_related("referral"), pk=pk
    )
    return _change(request, discussion, discussion.children.all())


def s47_allocation(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = get_object_or_404(
        s47_enquiries_visible_to(user=professional_of(request)).select_related(
            "discussion__referral", "child"
        ),
        pk=pk,
    )
    return _change(request, enquiry, [enquiry.child])


# Rows of My work shown a page; the rest on the next pages, most urgent first.
WORK_PAGE_SIZE = 50


def my_work(request: HttpRequest) -> HttpResponse:
    """One list of what is due for the person signed in; managers may switch to their team."""
    user = professional_of(request)
    team = request.GET.get("show") == "team" and may_decide_and_convene(user=user)
    rows = work_unnamed(user=user, now=timezone.now(), team=team)
    # The most urgent first, a page at a time: a team manager's team has hundreds of rows
    # (476 for bob at 5,000 discussions), and rendering them all was a fifth of the page.
    page = Paginator(rows, WORK_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_children_named(list(page.object_list))
    # A work list names children, as a search does: one entry for the list.
    summary = "Opened My team's work" if team else "Opened My work"
    if page.number > 1:
        summary += f", page {page.number}"
    context = AuditContext.from_request(request)
    audit_record(actor=user, action=Action.SEARCH, summary=summary, context=context)
    return render(
        request,
        "allocation/my_work.html",
        {
            "rows": page.object_list,
            "page": page,
            "team": team,
            "may_switch": may_decide_and_convene(user=user),
        },
    )
