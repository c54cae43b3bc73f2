"""Record pages: thin. Each parses input, calls one service, and redirects or re-renders."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.core.access import AccessAction, can, require_write
from convene.core.errors import NotAllowed, NotFound, ServiceError
from convene.people.models import Professional
from convene.policy.vocab import RecordSection
from convene.records import attendance_exceptions, sections, selectors, services
from convene.records import forms as record_forms
from convene.records.errors import RecordIncomplete, SectionConflict
from convene.records.family import family_summary
from convene.records.models import Confirmation, Record, RecordSectionEntry
from convene.records.notices import pdf_filename
from convene.records.policy import may_chair
from convene.records.told import distribution_agency_options, outcome_untold
from convene.records.told_forms import AddAgenciesForm
from convene.workdays import LONDON


def _user(request: HttpRequest) -> Professional:
    user = request.user
    assert isinstance(user, Professional)  # LoginRequiredMiddleware guarantees it
    return user


def _task_list(record: Record) -> str:
    return reverse("records:task-list", args=[record.discussion_id])


def _add_error(form: forms.BaseForm, error: ServiceError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _entry(record: Record, section: RecordSection) -> RecordSectionEntry:
    return RecordSectionEntry.objects.filter(record=record, section=section.value).first() or (
        RecordSectionEntry(
            record=record, section=section.value, content=sections.part(section).empty()
        )
    )


def _editable(user: Professional, record: Record) -> None:
    if not selectors.sees_draft(user=user, discussion=record.discussion):
        raise Http404("No such record")
    if not may_chair(user, record.discussion):
        raise PermissionDenied("Only the chair or a manager who may chair changes the record")
    if not record.draft_open:
        raise PermissionDenied("The record is authorised: start a correction to change it")


def _audit_look(
    request: HttpRequest,
    record: Record,
    what: str,
    *,
    action: Action = Action.VIEW,
    obj: Model | None = None,
) -> None:
    """A look at the record is a look at each child discussed: one entry per child."""
    audit_record_children(
        actor=_user(request),
        action=action,
        obj=obj or record,
        children=record.discussion.children.all(),
        summary=f"{what} (record of {record.discussion.reference})",
        request=request,
    )


def _context(request: HttpRequest, record: Record, **extra: Any) -> dict[str, Any]:
    return {
        "record": record,
        "discussion": record.discussion,
        "children": list(record.discussion.children.all()),
        "can": selectors.permissions(user=_user(request), record=record),
        **extra,
    }


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
                request=request,
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
        request=request,
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
    request: HttpRequest, record: Record, section: RecordSection, content: Mapping[str, Any]
) -> forms.BaseForm:
    data = request.POST if request.method == "POST" else None
    discussion = record.discussion
    if section == RecordSection.ATTENDANCE:
        return record_forms.AttendanceForm(data, content=content)
    if section == RecordSection.INFORMATION_SHARED:
        rows = (selectors.record_contents(record=record).get(RecordSection.ATTENDANCE) or {}).get(
            "rows", []
        )
        agencies: dict[str, str] = {}
        for row in rows:
            if row.get("status") == "attended" and row.get("agency"):
                agencies.setdefault(row["agency"], row["name"])
        referral = discussion.referral
        return record_forms.InformationSharedForm(
            data,
            content=content,
            agencies=list(agencies.items()),
            review=referral.review_requested,
        )
    if section == RecordSection.PROFESSIONAL_VIEWS:
        rows = (selectors.record_contents(record=record).get(RecordSection.ATTENDANCE) or {}).get(
            "rows", []
        )
        return record_forms.ProfessionalViewsForm(
            data, content=content, attendees=[r for r in rows if r.get("status") == "attended"]
        )
    if section == RecordSection.HRPM_CONSIDERATION:
        people, agencies_list = selectors.owner_options(discussion=discussion)
        return record_forms.HrpmForm(data, content=content, people=people, agencies=agencies_list)
    if section == RecordSection.ACTIONS:
        return record_forms.ActionsListForm(
            data, initial={"none_agreed": content.get("none_agreed")}
        )
    return record_forms.SIMPLE_FORMS[section](data, content=content)


def _content_of(
    form: forms.BaseForm, section: RecordSection, stored: Mapping[str, Any]
) -> dict[str, Any]:
    if section == RecordSection.ACTIONS:
        return {**stored, "none_agreed": form.cleaned_data["none_agreed"]}
    content: dict[str, Any] = form.content()  # type: ignore[attr-defined]
    return content


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
    form = _part_form(request, record, section, entry.content)
    version = entry.version
    if request.method == "POST":
        version = _posted_version(request)
        content: dict[str, Any] | None = None
        if "yours" in request.POST:  # "Save your version instead" from the conflict page
            content = _posted_json(request.POST["yours"])
        elif form.is_valid():
            content = _content_of(form, section, entry.content)
        if content is not None:
            try:
                services.record_section_save(
                    record=record,
                    section=section,
                    content=content,
                    expected_version=version,
                    by=user,
                    now=timezone.now(),
                    request=request,
                )
            except SectionConflict as conflict:
                return _conflict(request, record, part, conflict)
            except ServiceError as error:
                _add_error(form, error)
            else:
                messages.success(request, f"{part.title}: saved")
                if section == RecordSection.ACTIONS:
                    return redirect("records:part", pk, part.slug)
                return redirect("records:task-list", pk)
    template = {
        RecordSection.ATTENDANCE: "records/parts/attendance.html",
        RecordSection.INFORMATION_SHARED: "records/parts/information_shared.html",
        RecordSection.PROFESSIONAL_VIEWS: "records/parts/professional_views.html",
        RecordSection.DECISION: "records/parts/decision.html",
        RecordSection.ACTIONS: "records/parts/actions.html",
    }.get(section, "records/parts/simple.html")
    extra: dict[str, Any] = {}
    if section == RecordSection.ACTIONS:
        extra["actions"] = sections.ActionsContent.model_validate(entry.content).actions
    if section == RecordSection.RECONVENE_DATE:
        decision = sections.DecisionContent.model_validate(
            selectors.record_contents(record=record).get(RecordSection.DECISION) or {}
        )
        extra["reconvene_on"] = decision.reconvene_on
    return render(
        request,
        template,
        _context(request, record, part=part, form=form, version=version, **extra),
    )


def _posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        # Only a tampered or truncated form lacks it: a 400, never a 500.
        raise BadRequest("The form is missing its version: reload the page") from None


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
                services.record_action_save(
                    record=record,
                    action=form.item(key),
                    expected_version=version,
                    by=user,
                    now=timezone.now(),
                    request=request,
                )
            except SectionConflict as conflict:
                return _conflict(request, record, sections.part(RecordSection.ACTIONS), conflict)
            except ServiceError as error:
                _add_error(form, error)
            else:
                messages.success(request, "Action saved")
                return redirect("records:part", pk, "actions")
    _audit_look(request, record, "Opened an action" if existing else "Opened ‘Add an action’")
    return render(
        request,
        "records/action.html",
        _context(request, record, form=form, version=version, key=key),
    )


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
            services.record_action_remove(
                record=record,
                key=key,
                expected_version=_posted_version(request),
                by=user,
                now=timezone.now(),
                request=request,
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


# --- check and authorise ------------------------------------------------------------------


def check(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    if not selectors.sees_draft(user=user, discussion=record.discussion):
        raise Http404("No such record")
    contents = selectors.record_contents(record=record)
    refused: RecordIncomplete | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "submit":
                services.record_submit(record=record, by=user, now=timezone.now(), request=request)
                messages.success(request, "The record is ready to authorise")
                return redirect("records:check", pk)
            version = services.record_authorise(
                record=record, by=user, now=timezone.now(), request=request
            )
        except RecordIncomplete as error:
            refused = error
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("records:check", pk)
        else:
            messages.success(request, f"Version {version.number} authorised")
            return redirect("records:distribute", pk)
        record = selectors.record_for(user=user, pk=pk)
    check_, groups = selectors.task_rows(record=record)
    if request.method == "GET":
        _audit_look(request, record, "Checked the draft's answers")
    shown = [row.part for _, rows in groups for row in rows]
    answers = [(p, sections.items(p.section, contents.get(p.section))) for p in shown]
    return render(
        request,
        "records/check.html",
        _context(
            request,
            record,
            check=check_,
            answers=answers,
            refused=refused,
            decision_label=selectors.decision_label(check_.decision),
            **attendance_exceptions.check_page(record, contents),
        ),
        status=400 if refused else 200,
    )


# --- versions, PDF, family summary -----------------------------------------------------------


def versions(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    _audit_look(request, record, "Listed the versions")
    return render(
        request,
        "records/versions.html",
        _context(request, record, versions=selectors.versions_visible_to(user=user, record=record)),
    )


def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    version = get_object_or_404(
        selectors.versions_visible_to(user=user, record=record), number=number
    )
    _audit_look(request, record, f"Viewed version {version.number}", obj=version)
    snapshot = version.snapshot
    shown = [sections.part(s) for s in snapshot.get("shown", [])]
    parts = snapshot.get("parts", {})
    answers = [(p, sections.items(p.section, parts.get(p.section.value))) for p in shown]
    return render(
        request,
        "records/version.html",
        _context(request, record, version=version, snapshot=snapshot, answers=answers),
    )


def version_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    version = get_object_or_404(
        selectors.versions_visible_to(user=user, record=record), number=number
    )
    _audit_look(
        request,
        record,
        f"Downloaded the PDF of version {version.number}",
        action=Action.DOWNLOAD,
        obj=version,
    )
    response = HttpResponse(version.pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(version.snapshot)}"'
    response["Cache-Control"] = "no-store"
    return response


def family_summary_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    if not can(user=user, action=AccessAction.EXPORT, obj=record):
        raise Http404("No such record")  # the family summary is social care's to share
    version = selectors.versions_visible_to(user=user, record=record).first()
    if version is None:
        raise Http404("The record has not been authorised yet")
    _audit_look(
        request, record, f"Viewed the family summary of version {version.number}", obj=version
    )
    return render(
        request,
        "records/family_summary.html",
        _context(request, record, version=version, summary=family_summary(version.snapshot)),
    )


# --- distribute, confirm, correct ------------------------------------------------------------


def distribute(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    if not selectors.sees_draft(user=user, discussion=record.discussion):
        raise Http404("No such record")
    version = record.versions.order_by("-number").first()
    if version is None:
        return redirect("records:check", pk)
    add = AddAgenciesForm(
        request.POST if request.method == "POST" else None,
        options=distribution_agency_options(discussion=record.discussion),
    )
    if request.method == "POST" and add.is_valid():
        try:
            services.record_distribute(
                record=record,
                by=user,
                now=timezone.now(),
                agencies=list(add.cleaned_data["agencies"]),
                request=request,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            _add_error(add, error)
        else:
            messages.success(request, f"Version {version.number} sent")
            return redirect("records:confirmations", pk)
    attendance = list(version.attendance.select_related("professional", "agency"))
    referrer_name = record.discussion.referral.referrer_name
    _audit_look(request, record, f"Opened ‘Send version {version.number}’", obj=version)
    return render(
        request,
        "records/distribute.html",
        _context(
            request,
            record,
            version=version,
            attendees=[a for a in attendance if a.status == "attended"],
            absent=[a for a in attendance if a.status != "attended"],
            referrer=referrer_name,
            deliveries=selectors.deliveries(version=version),
            form=add,
        ),
    )


def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    version = (
        selectors.versions_visible_to(user=user, record=record)
        .filter(distributed_at__isnull=False)
        .first()
    )
    if version is None:
        raise Http404("The record has not been distributed")
    mine = version.confirmations.filter(professional=user).first()
    attended = version.attendance.filter(professional=user, status="attended").exists()
    if request.method == "POST":
        require_write(user=user)  # an auditor's confirmation: 403, as every write page
    form = record_forms.ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_confirm(
                record=record,
                accurate=form.cleaned_data["accurate"],
                comment=form.cleaned_data["comment"],
                by=user,
                now=timezone.now(),
                request=request,
            )
        except ServiceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Thank you: your response is recorded")
            return redirect("records:confirm", pk)
    _audit_look(request, record, f"Opened ‘Confirm version {version.number}’", obj=version)
    return render(
        request,
        "records/confirm.html",
        _context(request, record, version=version, form=form, mine=mine, attended=attended),
    )


def confirmations(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    if not selectors.sees_draft(user=user, discussion=record.discussion):
        raise Http404("No such record")
    version = record.versions.filter(distributed_at__isnull=False).order_by("-number").first()
    rows = selectors.confirmation_rows(version=version) if version else []
    earlier_open = Confirmation.objects.filter(
        version__record=record, response=Confirmation.Response.CORRECTION, resolution=""
    ).select_related("professional", "version")
    _audit_look(request, record, "Viewed who has confirmed", obj=version)
    return render(
        request,
        "records/confirmations.html",
        _context(
            request,
            record,
            version=version,
            rows=rows,
            open_corrections=earlier_open,
            deliveries=selectors.deliveries(version=version) if version else [],
            untold=list(outcome_untold(discussion=record.discussion)) if version else [],
        ),
    )


def resolve(request: HttpRequest, pk: int, confirmation_pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    confirmation = get_object_or_404(
        Confirmation.objects.select_related("professional", "version"),
        pk=confirmation_pk,
        version__record=record,
    )
    form = record_forms.ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirmation_resolve(
                confirmation=confirmation,
                note=form.cleaned_data["note"],
                by=user,
                now=timezone.now(),
                request=request,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Correction request resolved")
            return redirect("records:confirmations", pk)
    if not may_chair(user, record.discussion):
        raise PermissionDenied("Only the chair or a manager who may chair resolves corrections")
    _audit_look(request, record, "Opened a correction request", obj=confirmation)
    return render(
        request,
        "records/resolve.html",
        _context(request, record, confirmation=confirmation, form=form),
    )


def correct(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    if not selectors.sees_draft(user=user, discussion=record.discussion):
        raise Http404("No such record")
    if not may_chair(user, record.discussion):
        raise PermissionDenied("Only the chair or a manager who may chair corrects the record")
    form = record_forms.CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_correction_start(
                record=record,
                note=form.cleaned_data["note"],
                by=user,
                now=timezone.now(),
                request=request,
            )
        except ServiceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "The record is open for the correction")
            return redirect("records:task-list", pk)
    _audit_look(request, record, "Opened ‘Correct the record’")
    return render(request, "records/correct.html", _context(request, record, form=form))


__all__ = [
    "action_page",
    "action_remove",
    "check",
    "confirm",
    "confirmations",
    "correct",
    "distribute",
    "family_summary_page",
    "hold",
    "part_page",
    "resolve",
    "task_list",
    "version_detail",
    "version_pdf",
    "versions",
]
