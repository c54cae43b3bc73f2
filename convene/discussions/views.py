"""Discussion pages: convene, the discussion, change it, answer it, My invitations, My work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from convene.audit.models import Action
from convene.audit.services import audit_record, audit_record_children
from convene.core.errors import NotAllowed, ServiceError, StaleVersion
from convene.core.forms import add_service_errors
from convene.core.pagination import cursor_of
from convene.discussions import invitation_pages, selectors
from convene.discussions.attendance import Status
from convene.discussions.checks import MISSING_REQUIRED
from convene.discussions.clashes import clashes_on_form
from convene.discussions.forms import (
    WHEN_FIELDS,
    CancelForm,
    ConveneForm,
    InviteForm,
    RespondForm,
    ScheduleForm,
)
from convene.discussions.models import Discussion, Invitation
from convene.discussions.notices import calendar_event
from convene.discussions.outbox import invitation_deliveries, invitation_email_status
from convene.discussions.people_choice import people_groups, suggestions
from convene.discussions.services import (
    discussion_cancel,
    discussion_create,
    discussion_invite,
    discussion_reschedule,
    discussion_schedule,
    invitation_respond,
)
from convene.notify.ics import Method, Person, calendar_invitation
from convene.people.models import Professional
from convene.people.selectors import children_visible_to, sees_whole_caseload
from convene.referrals.models import Referral
from convene.referrals.selectors import (
    may_decide_and_convene,
    referral_convene_clock,
    referrals_visible_to,
)


def _professional(request: HttpRequest) -> Professional:
    user = request.user
    assert isinstance(user, Professional)  # LoginRequiredMiddleware guarantees it
    return user


def _add_error(form: forms.Form, error: ServiceError) -> None:
    add_service_errors(form, error, WHEN_FIELDS)


def _missing_required(error: ServiceError) -> bool:
    return any(problem.code == MISSING_REQUIRED for problem in error.problems)


def _manager(user: Professional) -> None:
    if not may_decide_and_convene(user=user):
        raise PermissionDenied("Only a social care manager convenes and changes discussions")


def convene(request: HttpRequest, referral_pk: int) -> HttpResponse:
    user = _professional(request)
    referral = get_object_or_404(
        referrals_visible_to(user=user).select_related("partnership", "referrer_agency"),
        pk=referral_pk,
    )
    _manager(user)
    if referral.status not in {Referral.Status.TRIAGED, Referral.Status.CONVENING}:
        messages.success(request, f"There is nothing to convene for {referral.reference}")
        return redirect("referrals:detail", pk=referral.pk)
    children = selectors.children_for_discussion(referral=referral)
    invitable = selectors.invitable_professionals(partnership=referral.partnership)
    chairs = selectors.chair_candidates(partnership=referral.partnership, referral=referral)
    form = ConveneForm(
        request.POST or None,
        children=children,
        chairs=chairs,
        invitable=invitable,
        initial={
            "kind": referral.chosen_pathway,
            "children": [str(child.pk) for child, own in children if own],
            "chair": user.pk if user in chairs else None,
        },
    )
    # The list offers only who may chair; anyone else posted is told who may (R001.5).
    form.fields["chair"].error_messages["invalid_choice"] = (
        "That person cannot chair: under this partnership's procedures the chair is "
        + selectors.chair_rule_text(referral=referral, children=list(referral.children.all()))
        + " of children's social care"
    )
    show_confirm = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            discussion = discussion_create(
                referral=referral,
                children=data["children"],
                kind=data["kind"],
                chair=data["chair"],
                invitees=list(data["invitees"]),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                venue=data["venue"],
                virtual_link=data["virtual_link"],
                allow_missing_required=data["allow_missing_required"],
                by=user,
                now=timezone.now(),
                request=request,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except ServiceError as error:
            _add_error(form, error)
            show_confirm = _missing_required(error)
        else:
            count = discussion.invitations.count()
            messages.success(
                request,
                f"{discussion.get_kind_display()} arranged: invitations are being sent to "
                f"{count} {'person' if count == 1 else 'people'}",
            )
            return redirect("discussions:detail", pk=discussion.pk)
    # The checklist against who is ticked (and the chair), so gaps show before sending.
    chosen_children = [c for c, own in children if str(c.pk) in (form["children"].value() or [])]
    chosen_ids = {str(v) for v in (form["invitees"].value() or [])}
    chair_id = str(form["chair"].value() or "")
    people = list(invitable)
    invited = [p for p in people if str(p.pk) in chosen_ids or str(p.pk) == chair_id]
    kind = form["kind"].value() or referral.chosen_pathway
    items = selectors.discussion_checklist(
        referral=referral,
        children=chosen_children or [c for c, own in children if own],
        invitees=invited,
        kind=kind if kind in Discussion.Kind.values else None,
    )
    clock = referral_convene_clock(referral=referral)
    audit_record_children(
        actor=user,
        action=Action.VIEW,
        obj=referral,
        children=[child for child, _own in children],
        summary=f"Opened ‘Arrange a discussion’ (referral {referral.reference})",
        request=request,
    )
    return render(
        request,
        "discussions/convene.html",
        {
            "referral": referral,
            "form": form,
            "groups": people_groups(form["invitees"]),
            "checklist": suggestions(items, people),
            "show_confirm": show_confirm or bool(form["allow_missing_required"].value()),
            # A warning, not a refusal (issue 18): they may be able to move the other one.
            "clashes": clashes_on_form(getattr(form, "cleaned_data", {}), [*chosen_ids, chair_id]),
            "chair_hint": "Under this partnership's procedures the chair is "
            + selectors.chair_rule_text(
                referral=referral, children=[c for c, own in children if own]
            ),
            "clock": clock,
            "now": timezone.now(),
        },
    )


def _visible(user: Professional, pk: int) -> Discussion:
    # 404, not 403: a discussion you may not see is one you do not know exists.
    return get_object_or_404(
        selectors.discussions_visible_to(user=user).select_related(
            "referral", "referral__referrer_agency", "chair", "partnership", "cancelled_by"
        ),
        pk=pk,
    )


def _audit_look(
    request: HttpRequest, user: Professional, discussion: Discussion, action: Action, what: str
) -> None:
    audit_record_children(
        actor=user,
        action=action,
        obj=discussion,
        children=discussion.children.all(),
        summary=f"{what} ({discussion.get_kind_display().lower()} {discussion.reference})",
        request=request,
    )


def discussion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    discussion = _visible(user, pk)
    _audit_look(request, user, discussion, Action.VIEW, "Viewed the discussion")
    invitations = selectors.invitations_for(discussion=discussion)
    children = list(discussion.children.all())
    visible_children = set(
        children_visible_to(user=user)
        .filter(pk__in=[c.pk for c in children])
        .values_list("pk", flat=True)
    )
    items = selectors.invited_checklist(
        discussion=discussion, invitations=invitations, children=children
    )
    mine = next((i for i in invitations if i.professional_id == user.pk), None)
    caseload = sees_whole_caseload(user=user)
    clock = referral_convene_clock(referral=discussion.referral) if caseload else None
    if caseload:
        emails = invitation_deliveries(discussion)
        for invitation in invitations:
            invitation.email_status = invitation_email_status(  # type: ignore[attr-defined]
                invitation, emails.get(invitation.pk), discussion
            )
    return render(
        request,
        "discussions/detail.html",
        {
            "discussion": discussion,
            "invitations": invitations,
            "children": children,
            "visible_children": visible_children,
            "checklist": items,
            "mine": mine,
            "may_change": selectors.may_change_discussion(user=user, discussion=discussion)
            and discussion.is_live,
            "caseload": caseload,
            "referral_visible": caseload
            and referrals_visible_to(user=user).filter(pk=discussion.referral_id).exists(),
            "clock": clock,
            "late": clock is not None
            and discussion.starts_at is not None
            and clock.state in {"pending", "breached"}
            and discussion.starts_at > clock.due_at,
            "now": timezone.now(),
            "Status": Status,
            "clashes": clashes_on_form(
                {"starts_at": discussion.starts_at, "ends_at": discussion.ends_at},
                [
                    i.professional_id
                    for i in invitations
                    if i.response != Invitation.Response.APOLOGIES
                ],
                exclude=discussion.pk,
            )
            if discussion.state == Discussion.State.SCHEDULED and caseload
            else [],
        },
    )


def discussion_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The calendar entry for the person asking (an invitee, or staff who can see it)."""
    user = _professional(request)
    discussion = _visible(user, pk)
    if discussion.starts_at is None:
        raise PermissionDenied("This discussion has no time yet")
    method = Method.CANCEL if discussion.state == Discussion.State.CANCELLED else Method.REQUEST
    content = calendar_invitation(
        calendar_event(discussion),
        method=method,
        attendee=Person(name=str(user), email=user.email or f"{user.username}@invalid"),
        stamp=timezone.now(),
    )
    _audit_look(request, user, discussion, Action.DOWNLOAD, "Downloaded the calendar entry")
    response = HttpResponse(
        content, content_type=f"text/calendar; method={method.value}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{discussion.reference}.ics"'
    return response


def discussion_reschedule_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    discussion = _visible(user, pk)
    _manager(user)
    requested = discussion.state == Discussion.State.REQUESTED
    if not discussion.is_live:
        messages.success(request, f"{discussion} is {discussion.get_state_display().lower()}")
        return redirect("discussions:detail", pk=discussion.pk)
    chairs = (
        selectors.chair_candidates(partnership=discussion.partnership, referral=discussion.referral)
        if requested
        else None
    )
    initial: dict[str, Any] = {
        "version": discussion.version,
        "venue": discussion.venue,
        "virtual_link": discussion.virtual_link,
    }
    if discussion.starts_at and discussion.ends_at:
        local_start = timezone.localtime(discussion.starts_at)
        initial.update(
            date=local_start.date(),
            start_time=f"{local_start:%H:%M}",
            end_time=f"{timezone.localtime(discussion.ends_at):%H:%M}",
        )
    form = ScheduleForm(request.POST or None, chairs=chairs, initial=initial)
    show_confirm = requested and bool(request.POST.get("allow_missing_required"))
    chair_id = str(request.POST.get("chair") or discussion.chair_id or "")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if requested:
                discussion = discussion_schedule(
                    discussion=discussion,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    venue=data["venue"],
                    virtual_link=data["virtual_link"],
                    chair=data.get("chair"),
                    allow_missing_required=data.get("allow_missing_required", False),
                    by=user,
                    now=timezone.now(),
                    expected_version=data["version"],
                    request=request,
                )
            else:
                discussion = discussion_reschedule(
                    discussion=discussion,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    venue=data["venue"],
                    virtual_link=data["virtual_link"],
                    by=user,
                    now=timezone.now(),
                    expected_version=data["version"],
                    request=request,
                )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except ServiceError as error:
            _add_error(form, error)
            show_confirm = _missing_required(error)
        else:
            messages.success(
                request,
                f"{discussion} {'scheduled' if requested else 'moved'}: "
                "everyone invited is being told",
            )
            return redirect("discussions:detail", pk=discussion.pk)
    _audit_look(request, user, discussion, Action.VIEW, "Opened ‘Schedule or move’")
    return render(
        request,
        "discussions/reschedule.html",
        {
            "discussion": discussion,
            "form": form,
            "requested": requested,
            "show_confirm": show_confirm,
            "clashes": clashes_on_form(
                getattr(form, "cleaned_data", None)
                or {"starts_at": discussion.starts_at, "ends_at": discussion.ends_at},
                [*discussion.invitations.values_list("professional_id", flat=True), chair_id],
                exclude=discussion.pk,
            ),
        },
    )


def discussion_invite_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    discussion = _visible(user, pk)
    _manager(user)
    invitable = selectors.invitable_professionals(partnership=discussion.partnership).exclude(
        invitations__discussion=discussion
    )
    form = InviteForm(
        request.POST or None, invitable=invitable, initial={"version": discussion.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitations = discussion_invite(
                discussion=discussion,
                invitees=list(form.cleaned_data["invitees"]),
                by=user,
                now=timezone.now(),
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except ServiceError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"{len(invitations)} more invited")
            return redirect("discussions:detail", pk=discussion.pk)
    _audit_look(request, user, discussion, Action.VIEW, "Opened ‘Invite more people’")
    return render(
        request,
        "discussions/invite.html",
        {"discussion": discussion, "form": form, "groups": people_groups(form["invitees"])},
    )


def discussion_cancel_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    discussion = _visible(user, pk)
    _manager(user)
    form = CancelForm(request.POST or None, initial={"version": discussion.version})
    if request.method == "POST" and form.is_valid():
        try:
            discussion = discussion_cancel(
                discussion=discussion,
                reason=form.cleaned_data["reason"],
                close_referral=form.cleaned_data["close_referral"],
                by=user,
                now=timezone.now(),
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except ServiceError as error:
            _add_error(form, error)
            if isinstance(error, StaleVersion):
                discussion.refresh_from_db()
        else:
            messages.success(request, f"{discussion} cancelled: everyone invited is being told")
            return redirect("discussions:detail", pk=discussion.pk)
    _audit_look(request, user, discussion, Action.VIEW, "Opened ‘Cancel’")
    return render(request, "discussions/cancel.html", {"discussion": discussion, "form": form})


def my_invitations(request: HttpRequest) -> HttpResponse:
    user = _professional(request)
    now = timezone.now()
    page = invitation_pages.my_invitations(
        user=user, now=now, before=cursor_of(request.GET.get("before"))
    )
    # A list names children, as a search does: one entry for the page.
    audit_record(actor=user, action=Action.SEARCH, summary="Opened My invitations", request=request)
    return render(request, "discussions/my_invitations.html", {"page": page, "now": now})


def invitation_respond_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    invitation = get_object_or_404(
        selectors.invitations_visible_to(user=user).select_related("discussion", "professional"),
        pk=pk,
    )
    if not selectors.may_answer_invitation(user=user, invitation=invitation):
        raise PermissionDenied("Only the person invited, or a manager, answers an invitation")
    form = RespondForm(
        request.POST or None,
        initial={
            "response": invitation.response if invitation.response != "invited" else None,
            "note": invitation.response_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation_respond(
                invitation=invitation,
                response=form.cleaned_data["response"],
                note=form.cleaned_data["note"],
                by=user,
                now=timezone.now(),
                request=request,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except ServiceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Your answer has been recorded")
            if invitation.professional_id == user.pk:
                return redirect("discussions:my-invitations")
            return redirect("discussions:detail", pk=invitation.discussion_id)
    _audit_look(request, user, invitation.discussion, Action.VIEW, "Opened an invitation")
    return render(
        request,
        "discussions/respond.html",
        {"invitation": invitation, "discussion": invitation.discussion, "form": form},
    )


def my_work(request: HttpRequest) -> HttpResponse:
    user = _professional(request)
    if not sees_whole_caseload(user=user):
        raise PermissionDenied("My work is for children's social care")
    now = timezone.now()
    # A work list names children, as a search does: one entry for the list.
    audit_record(actor=user, action=Action.SEARCH, summary="Opened My work", request=request)
    return render(
        request,
        "discussions/my_work.html",
        {"work": selectors.my_work(user=user, now=now), "now": now},
    )
