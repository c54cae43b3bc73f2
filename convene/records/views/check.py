"""Checking the draft and authorising it as a numbered version."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from convene.audit.context import AuditContext
from convene.core.errors import NotAllowed, ServiceError
from convene.records import attendance_exceptions, sections, selectors, services
from convene.records.errors import RecordIncomplete
from convene.records.policy import discussion_pack
from convene.records.views._common import (
    _audit_look,
    _context,
    _draft_record,
)

# --- check and authorise ------------------------------------------------------------------


def _refused_items(refused: RecordIncomplete | None) -> list[dict[str, str]]:
    """The error summary's lines: each section still to complete, or the refusal itself."""
    if refused is None:
        return []
    missing = [{"href": "#missing", "text": m.title} for m in refused.missing]
    return missing or [{"href": "", "text": refused.message}]


def check(request: HttpRequest, pk: int) -> HttpResponse:
    user, record = _draft_record(request, pk)
    contents = selectors.record_contents(record=record)
    refused: RecordIncomplete | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            context = AuditContext.from_request(request)
            if action == "submit":
                services.record_submit(record=record, by=user, now=timezone.now(), context=context)
                messages.success(request, "The record is ready to authorise")
                return redirect("records:check", pk)
            version = services.record_authorise(
                record=record, by=user, now=timezone.now(), context=context
            )
        except RecordIncomplete as error:
            refused = error
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            for problem in error.problems:  # every one at once (issue 18)
                messages.error(request, problem.message)
            return redirect("records:check", pk)
        else:
            messages.success(request, f"Version {version.number} authorised")
            return redirect("records:distribute", pk)
        record = selectors.record_for(user=user, pk=pk)
    check_, groups = selectors.task_rows(record=record)
    if request.method == "GET":
        _audit_look(request, record, "Checked the draft's answers")
    shown = [row.part for _, rows in groups for row in rows]
    pack = discussion_pack(record.discussion)
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
            refused_items=_refused_items(refused),
            decision_label=selectors.decision_label(check_.decision),
            # Citations behind "Why?" (issue 18): the procedure, the distribution timescale's rule.
            procedure=f"{pack.title}, version {record.policy_version}",
            distribution_why=selectors.distribution_citation(record=record),
            **attendance_exceptions.check_page(record, contents),
        ),
        status=400 if refused else 200,
    )
