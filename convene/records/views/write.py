"""Writing the record: marking the discussion held, the task list, each part, the actions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.core.errors import NotAllowed, NotFound, ServiceError
from convene.policy.vocab import RecordSection
from convene.records import forms as record_forms
from convene.records import sections, selectors, services
from convene.records.errors import SectionConflict
from convene.records.incomplete import incomplete_items, incomplete_note, saved_contents
from convene.records.models import Record
from convene.records.policy import may_chair
from convene.records.views._common import (
    _act,
    _add_error,
    _audit_look,
    _context,
    _editable,
    _entry,
    _page,
    _posted_version,
    _user,
)
from convene.workdays import LONDON

# --- hold ----------------------------------------------------------------------------------


def hold(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    discussion = selectors.discussion_for(user=user, pk=pk)
    if hasattr(discussion, "record"):
        return redirect("records:task-list", pk)
    # They see the discussion (invited), so a 404 would tell them nothing true: a 403 says why.
    if not selectors.sees_draft(user=user, discussion=discussion):
        raise PermissionDenied(
            "Children's social care marks a discussion held and writes its record"
        )
    if not may_chair(user, discussion):
        raise PermissionDenied("Only the chair or a manager who may chair marks it held")
    starts = (discussion.starts_at or timezone.now()).astimezone(LONDON)
    form = record_forms.HoldForm(
        request.POST or None, initial={"held_on": starts.date(), "held_at": f"{starts:%H:%M}"}
    )
    context = AuditContext.from_request(request)
    if request.method == "POST" and form.is_valid():
        held_at = datetime.combine(
            form.cleaned_data["held_on"], form.cleaned_data["held_at"], tzinfo=LONDON
        )
        try:
            services.discussion_hold(
                discussion=discussion,
                held_at=held_at,
                by=user,
                now=timezone.now(),
                context=context,
            )
        except ServiceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "The discussion is held: its record is open")
            return redirect("records:task-list", pk)
    audit_record_children(
        actor=user,
        action=Action.VIEW,
        obj=discussion,
        children=discussion.children.all(),
        summary=f"Opened ‘Mark the discussion held’ ({discussion.reference})",
        context=context,
    )
    return render(request, "records/hold.html", {"discussion": discussion, "form": form})


# --- the task list and the parts -------------------------------------------------------------


def task_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    if not selectors.sees_draft(user=user, discussion=record.discussion):
        return redirect("records:versions", pk)
    check, groups = selectors.task_rows(record=record)
    _audit_look(request, record, "Viewed the draft's task list")
    return render(
        request,
        "records/task_list.html",
        _context(
            request,
            record,
            check=check,
            groups=groups,
            versions=selectors.versions_visible_to(user=user, record=record),
            decision_label=selectors.decision_label(check.decision),
        ),
    )


def _part_form(
    request: HttpRequest,
    record: Record,
    part: sections.Part,
    content: Mapping[str, Any],
    contents: sections.Contents,
) -> Any:
    data = request.POST if request.method == "POST" else None
    discussion = record.discussion
    inputs = sections.FormInputs(
        contents=contents,
        review=discussion.referral.review_requested,
        owners=lambda: selectors.owner_options(discussion=discussion),
    )
    return part.build_form(data, content, inputs)


def part_page(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    _editable(user, record)
    try:
        part = sections.part(slug)
    except (KeyError, ValueError):
        raise Http404("No such section") from None
    section = part.section
    entry = _entry(record, section)
    if request.method == "GET":
        _audit_look(request, record, f"Opened ‘{part.title}’ in the draft")
    contents = selectors.record_contents(record=record)
    form = _part_form(request, record, part, entry.content, contents)
    version = entry.version
    if request.method == "POST":
        version = _posted_version(request)
        content: dict[str, Any] | None = None
        if "yours" in request.POST:  # "Save your version instead" from the conflict page
            content = _posted_json(request.POST["yours"])
        elif form.is_valid():
            content = form.content()
        if content is not None:
            try:
                _act(
                    request,
                    services.record_section_save,
                    record=record,
                    section=section,
                    content=content,
                    expected_version=version,
                )
            except SectionConflict as conflict:
                return _conflict(request, record, part, conflict)
            except ServiceError as error:
                _add_error(form, error)
            else:
                messages.success(request, f"{part.title}: saved")
                items = incomplete_items(section, saved_contents(record))
                incomplete_note(request, title=part.title, items=items)
                if part.stays_after_save:
                    return redirect("records:part", pk, part.slug)
                return redirect("records:task-list", pk)
    extra: dict[str, Any] = {}
    if part.page_extra is not None:
        extra = part.page_extra(entry.content, contents)
    return _page(request, record, part.template, part=part, form=form, version=version, **extra)


def _posted_json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise Http404("Bad form") from None
    if not isinstance(value, dict):
        raise Http404("Bad form")
    return value


def _conflict(
    request: HttpRequest, record: Record, part: sections.Part, conflict: SectionConflict
) -> HttpResponse:
    saved_at = conflict.saved_at.astimezone(LONDON) if conflict.saved_at else None
    _audit_look(request, record, f"Shown the saved ‘{part.title}’ after a clash")
    return render(
        request,
        "records/conflict.html",
        _context(
            request,
            record,
            part=part,
            conflict=conflict,
            saved_at=saved_at,
            yours=sections.items(part.section, _safe(part.section, conflict.yours)),
            theirs=sections.items(part.section, conflict.current),
            yours_json=json.dumps(conflict.yours, default=str),
        ),
        status=409,
    )


def _safe(section: RecordSection, content: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return sections.parse_content(section, content)
    except sections.ContentInvalid:
        return sections.part(section).empty()


# --- actions --------------------------------------------------------------------------------


def action_page(request: HttpRequest, pk: int, key: str | None = None) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    _editable(user, record)
    entry = _entry(record, RecordSection.ACTIONS)
    existing = next((a for a in entry.content.get("actions", []) if a["key"] == key), None)
    if key is not None and existing is None:
        raise Http404("No such action")
    people, agencies = selectors.owner_options(discussion=record.discussion)
    form = record_forms.ActionForm(
        request.POST or None,
        people=people,
        agencies=agencies,
        initial=record_forms.ActionForm.initial_for(existing) if existing else None,
    )
    version = entry.version
    if request.method == "POST":
        version = _posted_version(request)
        if form.is_valid():
            try:
                _act(
                    request,
                    services.record_action_save,
                    record=record,
                    action=form.item(key),
                    expected_version=version,
                )
            except SectionConflict as conflict:
                return _conflict(request, record, sections.part(RecordSection.ACTIONS), conflict)
            except ServiceError as error:
                _add_error(form, error)
            else:
                messages.success(request, "Action saved")
                return redirect("records:part", pk, "actions")
    _audit_look(request, record, "Opened an action" if existing else "Opened ‘Add an action’")
    return _page(request, record, "records/action.html", form=form, version=version, key=key)


def action_remove(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    _editable(user, record)
    entry = _entry(record, RecordSection.ACTIONS)
    action = next((a for a in entry.content.get("actions", []) if a["key"] == key), None)
    if action is None:
        raise Http404("No such action")
    form = forms.Form({})  # no fields: it carries a refusal to the error summary
    form.is_valid()
    status = 200
    if request.method == "POST":
        try:
            _act(
                request,
                services.record_action_remove,
                record=record,
                key=key,
                expected_version=_posted_version(request),
            )
        except SectionConflict as conflict:
            return _conflict(request, record, sections.part(RecordSection.ACTIONS), conflict)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except NotFound as error:
            raise Http404(error.message) from None
        except ServiceError as error:
            # The person's mistake or a stale page: say so on the page, change nothing.
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, "Action removed")
            return redirect("records:part", pk, "actions")
    _audit_look(request, record, "Opened ‘Remove this action?’")
    return render(
        request,
        "records/action_remove.html",
        _context(request, record, action=action, version=entry.version, form=form),
        status=status,
    )
