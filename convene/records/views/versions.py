"""Reading the authorised versions, their PDF and the family summary."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from convene.audit.models import Action
from convene.core.access import AccessAction, can
from convene.records import sections, selectors
from convene.records.family import family_summary
from convene.records.history_sources import history_for
from convene.records.notices import pdf_filename
from convene.records.views._common import (
    _audit_look,
    _context,
    _page,
    _user,
)

# --- versions, PDF, family summary -----------------------------------------------------------


def versions(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = selectors.record_for(user=user, pk=pk)
    _audit_look(request, record, "Listed the versions")
    return render(
        request,
        "records/versions.html",
        _context(
            request,
            record,
            versions=selectors.versions_visible_to(user=user, record=record),
            history=history_for(record.discussion),
        ),
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
    return _page(
        request, record, "records/version.html", version=version, snapshot=snapshot, answers=answers
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
    return _page(
        request,
        record,
        "records/family_summary.html",
        version=version,
        summary=family_summary(version.snapshot),
    )
