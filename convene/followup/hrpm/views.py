"""High Risk Planning Meeting pages: the list, start one, the series, a meeting, an action, end."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from convene.clocks.models import Clock
from convene.core.pages import posted, version_of
from convene.core.pagination import cursor_of, keyset_by
from convene.followup.fields import attempt
from convene.followup.hrpm import services
from convene.followup.hrpm.forms import HrpmActionForm, HrpmCreateForm, HrpmEndForm, HrpmMeetingForm
from convene.followup.hrpm.selectors import hrpm_meetings, hrpms_listed, hrpms_visible_to
from convene.followup.hrpm.services import hrpm_meeting_record
from convene.followup.models import Hrpm, HrpmMeeting
from convene.followup.roles import partnership_professionals, works_cases
from convene.people.looks import audit_list, audit_view
from convene.people.models import Agency, Child, Professional
from convene.people.selectors import children_visible_to, sees_whole_caseload
from convene.people.signed_in import professional_of


def _hrpm(user: Professional, pk: int) -> Hrpm:
    return get_object_or_404(
        hrpms_visible_to(user=user).select_related("child", "partnership"), pk=pk
    )


def _worker(user: Professional, partnership_id: int) -> None:
    if not works_cases(user=user, partnership=partnership_id):
        raise PermissionDenied("Only children's social care records High Risk Planning Meetings")


def _render_form(
    request: HttpRequest,
    *,
    form: forms.Form,
    title: str,
    caption: str,
    back_url: str,
    button: str,
    about: Model,
    child: Child,
    intro: tuple[str, ...] = (),
) -> HttpResponse:
    # The form page shows the child (the caption at least): a look, like the detail page.
    audit_view(request, obj=about, summary=f"Opened ‘{title}’ ({caption})", children=[child])
    return render(
        request,
        "followup/form.html",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "back_url": back_url,
            "back_text": "Back",
            "button": button,
            "intro": intro,
        },
    )


HRPM_PAGE = 50


def hrpm_list(request: HttpRequest) -> HttpResponse:
    user = professional_of(request)
    if not sees_whole_caseload(user=user):
        raise PermissionDenied("The partnership's HRPMs are listed for children's social care")
    hrpms = hrpms_listed(user=user)
    # By the young person's name, a page at a time (issue 15): the children's name index
    # (people_child_name_order) walked from the last name shown, never every HRPM sorted.
    page = keyset_by(
        hrpms,
        fields=("child__last_name", "child__first_name"),
        before=cursor_of(request.GET.get("before")),
        size=HRPM_PAGE,
    )
    audit_list(
        request,
        f"Listed High Risk Planning Meetings, {'first page' if page.first else 'a later page'}",
    )
    return render(
        request,
        "followup/hrpm_list.html",
        {"hrpms": page.rows, "page": page, "now": timezone.now()},
    )


def hrpm_create(request: HttpRequest, child_pk: int) -> HttpResponse:
    user = professional_of(request)
    child = get_object_or_404(children_visible_to(user=user), pk=child_pk)
    _worker(user, child.partnership_id)
    form = HrpmCreateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hrpm = attempt(
            form,
            lambda: services.hrpm_create(
                child=child,
                risk_assessment=data["risk_assessment"],
                young_persons_view=data["young_persons_view"],
                first_meeting_on=data.get("first_meeting_on"),
                by=user,
                now=timezone.now(),
            ),
        )
        if hrpm is not None:
            messages.success(request, "High Risk Planning Meeting started")
            return redirect("followup:hrpm", hrpm.pk)
    return _render_form(
        request,
        form=form,
        title="Start a High Risk Planning Meeting",
        caption=child.full_name,
        back_url=reverse("people:child-detail", args=[child.pk]),
        button="Start the HRPM",
        about=child,
        child=child,
        intro=(
            "For a child in care with ongoing risk, for example exploitation: a multi-agency "
            "forum that meets monthly with the young person. It never replaces a "
            "strategy discussion: a new significant-harm concern still needs one.",
        ),
    )


def hrpm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    hrpm = _hrpm(user, pk)
    audit_view(request, obj=hrpm, summary=f"Viewed HRPM {hrpm.reference}", children=[hrpm.child])
    return render(
        request,
        "followup/hrpm_detail.html",
        {
            "hrpm": hrpm,
            "meetings": hrpm_meetings(hrpm=hrpm),
            "clock": next(
                iter(
                    Clock.objects.filter(
                        subject_type__app_label="followup",
                        subject_type__model="hrpm",
                        subject_id=hrpm.pk,
                        kind="hrpm",
                    ).order_by("-pk")
                ),
                None,
            ),
            "works": works_cases(user=user, partnership=hrpm.partnership_id),
            "now": timezone.now(),
        },
    )


def hrpm_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    hrpm = _hrpm(user, pk)
    _worker(user, hrpm.partnership_id)
    people = partnership_professionals(partnership=hrpm.partnership)
    form = HrpmMeetingForm(
        posted(request),
        people=people,
        initial={"version": hrpm.version, "risk_assessment": hrpm.risk_assessment},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attendees = list(data["attendees"])
        meeting = attempt(
            form,
            lambda: hrpm_meeting_record(
                hrpm=hrpm,
                held_at=data["held_at"],
                attendees=attendees,
                young_person_attended=data["young_person_attended"],
                young_person_absent_reason=data["young_person_absent_reason"],
                young_persons_view=data["young_persons_view"],
                risk_assessment=data["risk_assessment"],
                safety_plan=data["safety_plan"],
                next_meeting_on=data["next_meeting_on"],
                by=user,
                now=timezone.now(),
                expected_version=version_of(form),
            ),
        )
        if meeting is not None:
            messages.success(request, "Meeting recorded: add the safety plan's actions")
            return redirect("followup:hrpm", hrpm.pk)
    return _render_form(
        request,
        form=form,
        title="Record a meeting",
        caption=f"High Risk Planning Meeting: {hrpm.child.full_name}",
        back_url=reverse("followup:hrpm", args=[hrpm.pk]),
        button="Save the meeting",
        about=hrpm,
        child=hrpm.child,
    )


def _owners(hrpm: Hrpm) -> tuple[list[Professional], list[Agency]]:
    people = list(partnership_professionals(partnership=hrpm.partnership))
    agencies = list(Agency.objects.filter(partnerships=hrpm.partnership_id).order_by("name"))
    return people, agencies


def hrpm_action_add(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = professional_of(request)
    hrpm = _hrpm(user, pk)
    _worker(user, hrpm.partnership_id)
    meeting = get_object_or_404(HrpmMeeting, hrpm=hrpm, number=number)
    people, agencies = _owners(hrpm)
    form = HrpmActionForm(posted(request), people=people, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        owner = form.chosen_owner()
        data: dict[str, Any] = form.cleaned_data
        added = (
            attempt(
                form,
                lambda: services.hrpm_action_add(
                    meeting=meeting,
                    owner=owner,
                    what=data["what"],
                    due_on=data["due_on"],
                    by=user,
                    now=timezone.now(),
                ),
            )
            if owner is not None
            else form.add_error("owner", "Choose who will do it")
        )
        if added is not None:
            messages.success(request, "Action added to the safety plan")
            return redirect("followup:hrpm", hrpm.pk)
    return _render_form(
        request,
        form=form,
        title="Add an action to the safety plan",
        caption=f"HRPM meeting {meeting.number}: {hrpm.child.full_name}",
        back_url=reverse("followup:hrpm", args=[hrpm.pk]),
        button="Add the action",
        about=meeting,
        child=hrpm.child,
    )


def hrpm_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    hrpm = _hrpm(user, pk)
    _worker(user, hrpm.partnership_id)
    form = HrpmEndForm(posted(request))
    if request.method == "POST" and form.is_valid():
        ended = attempt(
            form,
            lambda: services.hrpm_end(
                hrpm=hrpm, reason=form.cleaned_data["reason"], by=user, now=timezone.now()
            ),
        )
        if ended is not None:
            messages.success(request, "High Risk Planning Meeting ended")
            return redirect("followup:hrpm", hrpm.pk)
    return _render_form(
        request,
        form=form,
        title="End the High Risk Planning Meeting",
        caption=hrpm.child.full_name,
        back_url=reverse("followup:hrpm", args=[hrpm.pk]),
        button="End the HRPM",
        about=hrpm,
        child=hrpm.child,
        intro=("Open safety-plan actions stay open and tracked until they are done.",),
    )
