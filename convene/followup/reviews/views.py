"""Ask for a review strategy discussion: granted only for new information (R004.5); convene the
reconvene a Single Assessment planned (R002.13)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from convene.core.pages import posted
from convene.discussions.models import Discussion
from convene.discussions.selectors import discussions_visible_to
from convene.followup.fields import attempt
from convene.followup.reviews import reconvening
from convene.followup.reviews.forms import ReconveneForm, ReviewRequestForm
from convene.followup.reviews.reconvene import reconvene_convene
from convene.followup.reviews.services import review_discussion_request, where_progress_is_tracked
from convene.followup.roles import manages_cases
from convene.people.looks import audit_view
from convene.people.models import Professional
from convene.people.signed_in import professional_of
from convene.workdays import LONDON


def _managed(user: Professional, pk: int, refusal: str) -> Discussion:
    """The discussion as ``user`` may see it (404 otherwise), for a manager of its partnership
    (403 with ``refusal`` otherwise)."""
    discussion = get_object_or_404(
        discussions_visible_to(user=user).select_related("referral"), pk=pk
    )
    if not manages_cases(user=user, partnership=discussion.partnership_id):
        raise PermissionDenied(refusal)
    return discussion


def review_request(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    discussion = _managed(user, pk, "Only a social care manager requests a review discussion")
    form = ReviewRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = attempt(
            form,
            lambda: review_discussion_request(
                discussion_or_child=discussion,
                new_information=data["new_information"],
                effect_on_plan=data["effect_on_plan"],
                immediate_risk=data["immediate_risk"],
                by=user,
                now=timezone.now(),
            ),
        )
        if made is not None:
            messages.success(
                request, f"Review requested: schedule {made.review.reference} and invite people"
            )
            return redirect("discussions:detail", made.review.pk)
    children = list(discussion.children.order_by("pk"))
    audit_view(
        request,
        obj=discussion,
        summary=f"Opened ‘Ask for a review discussion’ (discussion {discussion.reference})",
        children=children,
    )
    return render(
        request,
        "followup/review_request.html",
        {
            "form": form,
            "discussion": discussion,
            "where": where_progress_is_tracked(children),
        },
    )


def reconvene(request: HttpRequest, pk: int) -> HttpResponse:
    """R002.13: a manager convenes the reconvened discussion the record planned, directly."""
    user = professional_of(request)
    discussion = _managed(user, pk, "Only a social care manager convenes the reconvened discussion")
    form = ReconveneForm(posted(request))
    if request.method == "POST" and form.is_valid():
        made = attempt(
            form,
            lambda: reconvene_convene(discussion=discussion, by=user, now=timezone.now()),
        )
        if made is not None:
            messages.success(
                request, f"Reconvened as {made.reference}: schedule it and invite people"
            )
            return redirect("discussions:detail", made.pk)
    children = list(discussion.children.order_by("pk"))
    audit_view(
        request,
        obj=discussion,
        summary=f"Opened ‘Convene the reconvened discussion’ (discussion {discussion.reference})",
        children=children,
    )
    clock = reconvening.reconvene_clock(discussion=discussion)
    due = (
        f"The record set the date to reconvene: by the end of "
        f"{clock.due_at.astimezone(LONDON):%A %-d %B %Y}. Holding the reconvened discussion "
        "meets that timescale."
        if clock
        else "Holding the reconvened discussion meets the record's timescale to reconvene."
    )
    return render(
        request,
        "followup/form.html",
        {
            "form": form,
            "title": "Convene the reconvened discussion",
            "caption": f"{discussion.get_kind_display()} {discussion.reference}: "
            + ", ".join(c.full_name for c in children),
            "back_url": reverse("discussions:detail", args=[discussion.pk]),
            "back_text": "Back to the discussion",
            "button": "Convene the reconvened discussion",
            "intro": (
                "The record decided a Single Assessment and planned to reconvene at its end. "
                "This convenes that discussion, linked to this one; no new "
                "information is needed (that is for a review discussion).",
                due,
            ),
            "why": [
                "Reconvening at the end of a Single Assessment: R002.13.",
                "A review discussion only when new information affects the plan: R004.5.",
            ],
        },
    )
