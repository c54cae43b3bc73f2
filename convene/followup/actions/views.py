"""Actions: "My actions" for everyone, the partnership's "Actions" for social care, and the page
where an action is updated to done."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from convene.audit.context import AuditContext
from convene.core.pages import posted, version_of
from convene.core.pagination import cursor_of
from convene.followup.actions.forms import ActionUpdateForm
from convene.followup.actions.row_details import with_row_details
from convene.followup.actions.selectors import (
    action_due_clock,
    action_updates,
    actions_page,
    actions_visible_to,
    hrpm_actions_visible_to,
    list_parts,
    listed_action_rows,
    listed_hrpm_action_rows,
    may_update_action,
    my_owners,
)
from convene.followup.actions.services import action_update
from convene.followup.fields import attempt
from convene.followup.models import HrpmAction
from convene.people.looks import audit_list, audit_view
from convene.people.selectors import sees_whole_caseload
from convene.people.signed_in import professional_of
from convene.records.models import Action

# Actions a page, per kind: a keyset page most urgent first (``?before=<id>`` for the
# record's, ``?hrpm_before=<id>`` for the HRPMs'), never the partnership's whole history.
ACTIONS_PAGE = 50


def _pages(
    request: HttpRequest,
    record_actions: QuerySet[Action],
    hrpm_actions: QuerySet[HrpmAction],
    parts: tuple[Q, ...] = (),
) -> dict[str, Any]:
    """One section per kind (they show different things: the discussion and its children, or
    the HRPM's child), each walked by its own index and cursor. A page that continues one
    section (its cursor given and found) leaves the other out: it is on the first page.
    ``parts``: whose actions they are, each walked apart (``actions_page``)."""
    now = timezone.now()
    done = request.GET.get("show") == "all"
    before = cursor_of(request.GET.get("before"))
    # One section continues at a time: given both, the record's.
    hrpm_before = None if before is not None else cursor_of(request.GET.get("hrpm_before"))
    pages: dict[str, Any] = {"show_all": done, "now": now, "actions": [], "hrpm_actions": []}

    def hrpm_from(cursor: int | None) -> Any:
        rows = listed_hrpm_action_rows(hrpm_actions)
        return actions_page(rows, show_all=done, before=cursor, size=ACTIONS_PAGE, parts=parts)

    hrpm_page = None if hrpm_before is None else hrpm_from(hrpm_before)
    # A cursor that named no action of theirs (unknown, or done since): both first pages.
    if hrpm_page is None or hrpm_page.first:
        page = actions_page(
            listed_action_rows(record_actions),
            show_all=done,
            before=before,
            size=ACTIONS_PAGE,
            parts=parts,
        )
        pages.update(actions=with_row_details(page.rows, now=now), page=page)
        if not page.first:
            hrpm_page = None  # the record's section continues alone
        elif hrpm_page is None:
            hrpm_page = hrpm_from(None)
    if hrpm_page is not None:
        pages.update(hrpm_actions=with_row_details(hrpm_page.rows, now=now), hrpm_page=hrpm_page)
    return pages


def _which(pages: dict[str, Any]) -> str:
    first = all(p.first for p in (pages.get("page"), pages.get("hrpm_page")) if p is not None)
    return "first page" if first else "a later page"


def my_actions(request: HttpRequest) -> HttpResponse:
    user = professional_of(request)
    pages = _pages(
        request,
        actions_visible_to(user=user, listed=True),
        hrpm_actions_visible_to(user=user),
        my_owners(user=user),
    )
    audit_list(request, f"Opened My actions, {_which(pages)}")
    return render(request, "followup/my_actions.html", {**pages, "agency": user.agency})


def actions_list(request: HttpRequest) -> HttpResponse:
    user = professional_of(request)
    if not sees_whole_caseload(user=user):
        raise PermissionDenied("The partnership's actions are listed for children's social care")
    pages = _pages(
        request,
        actions_visible_to(user=user),
        hrpm_actions_visible_to(user=user),
        list_parts(user=user),
    )
    audit_list(request, f"Listed the partnership's actions, {_which(pages)}")
    return render(request, "followup/actions_list.html", {**pages, **_overdue(pages)})


def _overdue(pages: dict[str, Any]) -> dict[str, Any]:
    """How many are overdue, from the page itself (no count of the partnership's actions):
    the open ones come overdue first, so a first page that is overdue to its last row
    with more to come says "or more"."""
    if pages["show_all"] or _which(pages) != "first page":
        return {"overdue": 0, "overdue_or_more": False}
    shown = [
        (pages.get(p), pages[rows])
        for p, rows in (("page", "actions"), ("hrpm_page", "hrpm_actions"))
    ]
    overdue = sum(1 for _, rows in shown for row in rows if getattr(row, "overdue", False))
    full = any(
        page is not None and page.older is not None and all(r.overdue for r in rows)
        for page, rows in shown
    )
    return {"overdue": overdue, "overdue_or_more": full}


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
