"""Agency check pages: each agency completes its own; whoever may see the discussion reads them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from convene.agencychecks import selectors
from convene.agencychecks.forms import AgencyCheckForm
from convene.agencychecks.holding import only_own_agency
from convene.agencychecks.late import offers_review
from convene.agencychecks.questions import answered
from convene.agencychecks.services import agency_check_submit
from convene.audit.context import AuditContext
from convene.core.pages import attempt, posted
from convene.discussions.models import Discussion
from convene.discussions.selectors import discussions_visible_to
from convene.people.looks import audit_view
from convene.people.signed_in import professional_of
from convene.people.vocab import AgencyKind


def _discussion(request: HttpRequest, pk: int) -> Discussion:
    # Not invited and not social care: the discussion does not exist for them (404).
    return get_object_or_404(
        discussions_visible_to(user=professional_of(request)).select_related("referral", "chair"),
        pk=pk,
    )


def board(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = _discussion(request, pk)
    now = timezone.now()
    columns = selectors.checks_board(
        discussion=discussion,
        only_agency=only_own_agency(user=professional_of(request), discussion=discussion, now=now),
    )
    audit_view(
        request,
        obj=discussion,
        summary=f"Opened the agency checks of {discussion.reference}",
        children=discussion.children.all(),
    )
    return render(
        request,
        "agencychecks/board.html",
        {
            "discussion": discussion,
            "columns": [
                (
                    column,
                    answered(column.latest.content) if column.latest else [],
                    column.overdue(now),
                    [(version, answered(version.content)) for version in column.earlier],
                )
                for column in columns
            ],
            "received": sum(column.received for column in columns),
            "may_complete": selectors.may_complete(
                user=professional_of(request), discussion=discussion
            ),
            # A check arrived after the start: does it change the plan? (R004.5)
            "offer_review": offers_review(
                user=professional_of(request),
                discussion=discussion,
                late=any(column.latest and column.latest.late for column in columns),
            ),
        },
    )


def complete(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    discussion = _discussion(request, pk)
    if not selectors.may_complete(user=user, discussion=discussion):
        raise PermissionDenied("Only the people invited from a partner agency complete its check")
    latest = selectors.own_latest(user=user, discussion=discussion)
    school = user.agency is not None and user.agency.kind in (AgencyKind.SCHOOL, AgencyKind.NURSERY)
    form = AgencyCheckForm(
        posted(request), school=school, initial=latest.content if latest else None
    )
    if request.method == "POST" and form.is_valid():
        context = AuditContext.from_request(request)
        done = attempt(
            form,
            lambda: agency_check_submit(
                discussion=discussion,
                content=form.content(),
                by=user,
                now=timezone.now(),
                context=context,
            ),
        )
        if done is not None:
            return redirect(reverse("agencychecks:board", args=[discussion.pk]))
    audit_view(
        request,
        obj=discussion,
        summary=f"Opened their agency's check for {discussion.reference}",
        children=discussion.children.all(),
    )
    return render(
        request,
        "agencychecks/complete.html",
        {"discussion": discussion, "form": form, "latest": latest, "agency": user.agency},
    )
