"""Actions: "My actions" for everyone, the partnership's "Actions" for social care, and the page
where an action is updated to done."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from convene.audit.context import AuditContext
from convene.core.pages import posted, version_of
from convene.followup.actions.forms import ActionUpdateForm
from convene.followup.actions.selectors import (
    action_due_clock,
    action_rows,
    action_updates,
    actions_visible_to,
    hrpm_action_rows,
    hrpm_actions_visible_to,
    may_update_action,
    mine,
)
from convene.followup.actions.services import action_update
from convene.followup.fields import attempt
from convene.followup.models import HrpmAction
from convene.people.looks import audit_list, audit_view
from convene.people.selectors import sees_whole_caseload
from convene.people.signed_in import professional_of
from convene.records.models import Action

LIST_LIMIT = 200


def my_actions(request: HttpRequest) -> HttpResponse:
    user = professional_of(request)
    now = timezone.now()
    done = request.GET.get("show") == "all"
    record_actions = mine(actions_visible_to(user=user), user=user)
    hrpm_actions = mine(hrpm_actions_visible_to(user=user), user=user)
    if not done:
        record_actions = record_actions.filter(status="open")
        hrpm_actions = hrpm_actions.filter(status="open")
    audit_list(request, "Opened My actions")
    return render(
        request,
        "followup/my_actions.html",
        {
            "actions": list(action_rows(record_actions, now=now)[:LIST_LIMIT]),
            "hrpm_actions": list(hrpm_action_rows(hrpm_actions, now=now)[:LIST_LIMIT]),
            "show_all": done,
            "agency": user.agency,
            "now": now,
        },
    )


def actions_list(request: HttpRequest) -> HttpResponse:
    user = professional_of(request)
    if not sees_whole_caseload(user=user):
        raise PermissionDenied("The partnership's actions are listed for children's social care")
    now = timezone.now()
    done = request.GET.get("show") == "all"
    record_actions = actions_visible_to(user=user)
    hrpm_actions = hrpm_actions_visible_to(user=user)
    if not done:
        record_actions = record_actions.filter(status="open")
        hrpm_actions = hrpm_actions.filter(status="open")
    rows = list(action_rows(record_actions, now=now)[:LIST_LIMIT])
    hrpm_rows = list(hrpm_action_rows(hrpm_actions, now=now)[:LIST_LIMIT])
    audit_list(request, "Listed the partnership's actions")
    return render(
        request,
        "followup/actions_list.html",
        {
            "actions": rows,
            "hrpm_actions": hrpm_rows,
            "overdue": sum(1 for row in rows if getattr(row, "overdue", False))
            + sum(1 for row in hrpm_rows if getattr(row, "overdue", False)),
            "show_all": done,
            "now": now,
        },
    )


def _page(request: HttpRequest, action: Action | HrpmAction, back: str) -> HttpResponse:
    user = professional_of(request)
    updates = action_updates(action=action)
    can_update = may_update_action(user=user, action=action)
    if request.method == "POST" and not can_update:
        raise PermissionDenied("You can read this action but not update it")
    form = ActionUpdateForm(posted(request), initial={"version": len(updates)})
    if request.method == "POST" and form.is_valid():
        context = AuditContext.from_request(request)
        saved = attempt(
            form,
            lambda: action_update(
                action=action,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=user,
                now=timezone.now(),
                expected_version=version_of(form),
                context=context,
            ),
        )
        if saved is not None:
            messages.success(
                request, "Action marked as done" if saved.progress == "done" else "Update saved"
            )
            return redirect(back)
    if isinstance(action, HrpmAction):
        children = [action.meeting.hrpm.child]
        where = f"HRPM {action.meeting.hrpm.reference}"
    else:
        children = list(action.record.discussion.children.all())
        where = f"record of {action.record.discussion.reference}"
    audit_view(request, obj=action, summary=f"Viewed an action ({where})", children=children)
    return render(
        request,
        "followup/action.html",
        {
            "action": action,
            "updates": updates,
            "clock": action_due_clock(action=action),
            "form": form,
            "can_update": can_update and action.status == "open",
            "back": back,
            "now": timezone.now(),
        },
    )


def _back(request: HttpRequest) -> str:
    user = professional_of(request)
    return "followup:actions" if sees_whole_caseload(user=user) else "followup:my-actions"


def _shown(
    request: HttpRequest, rows: QuerySet[Any], related: tuple[str, ...], pk: int
) -> HttpResponse:
    action = get_object_or_404(rows.select_related(*related), pk=pk)
    return _page(request, action, _back(request))


def action_page(request: HttpRequest, pk: int) -> HttpResponse:
    rows = actions_visible_to(user=professional_of(request))
    return _shown(request, rows, ("record__discussion", "owner_agency", "owner_professional"), pk)


def hrpm_action_page(request: HttpRequest, pk: int) -> HttpResponse:
    rows = hrpm_actions_visible_to(user=professional_of(request))
    return _shown(request, rows, ("meeting__hrpm__child", "owner_agency", "owner_professional"), pk)
