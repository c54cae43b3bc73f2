"""ICPC pages: the conference, confirm with the Head of Service, set the date, held, and its
outcome for each child (a child protection plan or not)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from convene.core.pages import posted, version_of
from convene.discussions.selectors import discussions_visible_to
from convene.followup import census
from convene.followup.conferences import forms as f
from convene.followup.conferences import services
from convene.followup.conferences.selectors import icpc_clock, icpcs_visible_to
from convene.followup.conferences.services import icpc_set_date
from convene.followup.enquiries.selectors import s47_enquiries_visible_to
from convene.followup.form_views import Place, form_page
from convene.followup.models import Icpc
from convene.followup.roles import arranges_conference, is_head_of_service, reviewing_service
from convene.people.looks import audit_list, audit_view
from convene.people.models import Professional
from convene.people.signed_in import professional_of

# The census rules the conference's date must meet, shown under "Why?" on its forms.
_CENSUS_WHY = (census.WHY["icpc_weekend"], census.WHY["icpc_before_s47"])


def _icpc(user: Professional, pk: int) -> Icpc:
    return get_object_or_404(
        icpcs_visible_to(user=user).select_related("discussion", "confirmed_by", "partnership"),
        pk=pk,
    )


def _children(icpc: Icpc) -> str:
    return ", ".join(e.child.full_name for e in icpc.enquiries.select_related("child"))


_CONFERENCE: Place[Icpc] = Place(
    url_name="followup:icpc",
    back_text="Back to the conference",
    named=lambda icpc: f"initial child protection conference {icpc.reference}",
    caption=lambda icpc: f"Initial child protection conference {icpc.reference}: {_children(icpc)}",
    children=lambda icpc: [e.child for e in icpc.enquiries.select_related("child")],
)


def _form_page(request: HttpRequest, *, icpc: Icpc, **page: Any) -> HttpResponse:
    return form_page(request, place=_CONFERENCE, obj=icpc, **page)


def icpc_list(request: HttpRequest) -> HttpResponse:
    """The conferences the reader may see, open first: for the Reviewing Service, those the
    Head of Service confirmed, theirs to convene (R001.14)."""
    user = professional_of(request)
    audit_list(request, "Listed initial child protection conferences")
    icpcs = (
        icpcs_visible_to(user=user)
        .prefetch_related("enquiries__child")
        .order_by(
            Case(When(state="held", then=1), default=0),
            "requested_at",
            "pk",
        )[:200]
    )
    return render(request, "followup/icpc_list.html", {"icpcs": list(icpcs)})


def icpc_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    icpc = _icpc(user, pk)
    enquiries = list(icpc.enquiries.select_related("child"))
    seen = set(
        s47_enquiries_visible_to(user=user)
        .filter(pk__in=[e.pk for e in enquiries])
        .values_list("pk", flat=True)
    )
    audit_view(
        request,
        obj=icpc,
        summary=f"Viewed initial child protection conference {icpc.reference}",
        children=[e.child for e in enquiries],
    )
    return render(
        request,
        "followup/icpc_detail.html",
        {
            "icpc": icpc,
            "enquiries": enquiries,
            "clock": icpc_clock(icpc=icpc),
            "seen": seen,
            "sees_discussion": discussions_visible_to(user=user)
            .filter(pk=icpc.discussion_id)
            .exists(),
            "hos": is_head_of_service(user=user, partnership=icpc.partnership_id),
            "works": arranges_conference(user=user, partnership=icpc.partnership_id),
            # R001.14: once confirmed, the Reviewing Service convenes it.
            "convenors": list(reviewing_service(partnership=icpc.partnership_id)),
            "now": timezone.now(),
        },
    )


def icpc_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    icpc = _icpc(user, pk)
    if not is_head_of_service(user=user, partnership=icpc.partnership_id):
        raise PermissionDenied("Only the Head of Service confirms an ICPC")
    form = f.IcpcConfirmForm(posted(request), initial={"version": icpc.version})
    return _form_page(
        request,
        icpc=icpc,
        form=form,
        title="Confirm the conference",
        button="Confirm the conference",
        intro=(
            "An initial child protection conference is confirmed with the Head of Service "
            ". Confirming records that you agree it goes ahead.",
        ),
        submit=lambda data: services.icpc_confirm(
            icpc=icpc,
            note=data["note"],
            by=user,
            now=timezone.now(),
            expected_version=version_of(form),
        ),
        done="Conference confirmed",
    )


def _worker(user: Professional, icpc: Icpc) -> None:
    if not arranges_conference(user=user, partnership=icpc.partnership_id):
        raise PermissionDenied(
            "Only the Reviewing Service or children's social care arranges the conference"
        )


def icpc_date(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    icpc = _icpc(user, pk)
    _worker(user, icpc)
    clock = icpc_clock(icpc=icpc)
    form = f.IcpcDateForm(posted(request), initial={"version": icpc.version, "venue": icpc.venue})
    from convene.followup.templatetags.followup import day

    due = (f"It is due by the end of {day(clock.due_at)}.",) if clock else ()
    return _form_page(
        request,
        icpc=icpc,
        form=form,
        title="Set the date of the conference",
        button="Save the date",
        intro=due,
        why=_CENSUS_WHY,
        submit=lambda data: icpc_set_date(
            icpc=icpc,
            conference_at=data["conference_at"],
            venue=data["venue"],
            late_reason=data["late_reason"],
            by=user,
            now=timezone.now(),
            expected_version=version_of(form),
        ),
        done="Date set",
    )


def icpc_held(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    icpc = _icpc(user, pk)
    _worker(user, icpc)
    initial: dict[str, Any] = {"version": icpc.version}
    if icpc.conference_at:
        from convene.workdays import LONDON

        local = icpc.conference_at.astimezone(LONDON)
        initial.update(held_on=local.date(), held_time=f"{local:%H:%M}")
    form = f.HeldForm(posted(request), initial=initial)
    return _form_page(
        request,
        icpc=icpc,
        form=form,
        title="Record the conference as held",
        button="Save",
        why=_CENSUS_WHY,
        submit=lambda data: services.icpc_held(
            icpc=icpc,
            held_at=data["held_at"],
            by=user,
            now=timezone.now(),
            expected_version=version_of(form),
        ),
        done="Conference recorded as held",
    )


def _acting(user: Professional, form: forms.Form) -> dict[str, Any]:
    """Who writes, when, and the version the page showed (optimistic locking)."""
    return {"by": user, "now": timezone.now(), "expected_version": version_of(form)}


def icpc_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    icpc = _icpc(user, pk)
    _worker(user, icpc)
    enquiries = list(icpc.enquiries.select_related("child").order_by("pk"))
    form = f.IcpcOutcomeForm(
        posted(request), enquiries=enquiries, initial={"version": icpc.version}
    )
    return _form_page(
        request,
        icpc=icpc,
        form=form,
        title="Record the outcome of the conference",
        button="Save the outcome",
        intro=("For each child, whether the conference decided on a child protection plan.",),
        submit=lambda _data: services.icpc_outcome_record(
            icpc=icpc, plans=form.plans(), **_acting(user, form)
        ),
        done="Outcome of the conference saved",
    )
