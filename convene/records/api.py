"""The record through the API (django-ninja ``Router``), read-only, through the same selectors.

Mounted by the project's ``NinjaAPI`` (``api.add_router("/records/", router)``),
whose bearer-token authentication makes ``request.auth`` the token's user; a
test client's ``user=`` works too. A record the user may not read answers 404,
as one that does not exist. Social care of the partnership reads the draft and
every version; an invited partner reads the versions distributed to them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.core.api import READ_ERRORS, PathId, acting_user
from convene.people.models import Professional
from convene.policy.vocab import RecordSection
from convene.records import attendance_exceptions, sections, selectors
from convene.records.api_writes import router as writes_router
from convene.records.models import Record, RecordVersion
from convene.records.notices import pdf_filename

router = Router(tags=["records"])


class SectionOut(Schema):
    section: str
    title: str
    version: int
    complete: bool
    content: dict[str, Any]


class VersionOut(Schema):
    number: int
    decision: str
    decision_label: str
    authorised_at: datetime
    authorised_by: str
    distributed_at: datetime | None
    supersedes: int | None
    correction_note: str
    pdf_sha256: str
    content_sha256: str


class VersionDetailOut(VersionOut):
    snapshot: dict[str, Any]


class MissingOut(Schema):
    section: str
    title: str
    citation: str


class RecordOut(Schema):
    discussion_id: int
    reference: str
    state: str
    held_at: datetime
    policy_id: str
    policy_version: str
    draft_open: bool
    latest_version: int
    # The draft's parts for social care; empty for partners, who read versions.
    sections: list[SectionOut]
    missing: list[MissingOut]
    # R002.4: a manager's reasons for authorising without social care, police or health.
    attendance_exceptions: list[dict[str, Any]] = []


class DecisionOut(Schema):
    version: int | None
    decision: str | None
    decision_label: str
    reasons: str
    reconvene_on: date | None
    draft: bool


ERRORS = READ_ERRORS


def _record(request: HttpRequest, discussion_id: int) -> tuple[Professional, Record]:
    user = acting_user(request)
    try:
        return user, selectors.record_for(user=user, pk=discussion_id)
    except Http404:
        raise HttpError(404, "Not found") from None


def _audit(
    request: HttpRequest,
    user: Professional,
    record: Record,
    what: str,
    *,
    action: Action = Action.VIEW,
    obj: Model | None = None,
) -> None:
    """One entry per child discussed: a look at the record is a look at each child's."""
    context = AuditContext.from_request(request)
    audit_record_children(
        actor=user,
        action=action,
        obj=obj or record,
        children=record.discussion.children.all(),
        summary=f"{what} of {record.discussion.reference}",
        context=context,
    )


def _version_out(version: RecordVersion) -> dict[str, Any]:
    snapshot = version.snapshot
    return {
        "number": version.number,
        "decision": version.decision,
        "decision_label": snapshot.get("decision_label", ""),
        "authorised_at": version.authorised_at,
        "authorised_by": (snapshot.get("authorised_by") or {}).get("name", ""),
        "distributed_at": version.distributed_at,
        "supersedes": snapshot.get("supersedes"),
        "correction_note": version.correction_note,
        "pdf_sha256": version.pdf_sha256,
        "content_sha256": version.content_sha256,
    }


@router.get("/{discussion_id}", response={200: RecordOut, **ERRORS}, operation_id="record_get")
def record_get(request: HttpRequest, discussion_id: PathId) -> dict[str, Any]:
    """The record of a discussion: state, and the draft's sections for social care."""
    user, record = _record(request, discussion_id)
    draft = selectors.sees_draft(user=user, discussion=record.discussion)
    _audit(request, user, record, "Viewed the record" + (" (draft)" if draft else ""))
    found: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    exceptions: list[dict[str, Any]] = []
    if draft:
        entries = {e.section: e for e in record.entries.all()}
        check = selectors.record_completeness(record=record)
        for part in sections.PARTS:
            entry = entries.get(part.section.value)
            found.append(
                {
                    "section": part.section.value,
                    "title": part.title,
                    "version": entry.version if entry else 0,
                    "complete": all(s in check.complete for s in part.covers),
                    "content": entry.content if entry else part.empty(),
                }
            )
        missing = [
            {"section": m.section.value, "title": m.title, "citation": m.citation}
            for m in check.missing
        ]
        exceptions = attendance_exceptions.check_page(
            record, {RecordSection(e.section): e.content for e in entries.values()}
        )["exceptions"]
    return {
        "discussion_id": record.discussion_id,
        "reference": record.discussion.reference,
        "state": record.discussion.state,
        "held_at": record.held_at,
        "policy_id": record.policy_id,
        "policy_version": record.policy_version,
        "draft_open": record.draft_open,
        "latest_version": record.latest_number,
        "sections": found,
        "missing": missing,
        "attendance_exceptions": exceptions,
    }


@router.get(
    "/{discussion_id}/versions",
    response={200: list[VersionOut], **ERRORS},
    operation_id="record_versions",
)
def record_versions(request: HttpRequest, discussion_id: PathId) -> list[dict[str, Any]]:
    """The authorised versions you may read, newest first."""
    user, record = _record(request, discussion_id)
    versions = list(selectors.versions_visible_to(user=user, record=record))
    _audit(request, user, record, f"Listed the record's versions ({len(versions)})")
    return [_version_out(v) for v in versions]


def _version(
    request: HttpRequest, discussion_id: int, number: int
) -> tuple[Professional, Record, RecordVersion]:
    user, record = _record(request, discussion_id)
    version = selectors.versions_visible_to(user=user, record=record).filter(number=number).first()
    if version is None:
        raise HttpError(404, "Not found")
    return user, record, version


@router.get(
    "/{discussion_id}/versions/{number}",
    response={200: VersionDetailOut, **ERRORS},
    operation_id="record_version",
)
def record_version(request: HttpRequest, discussion_id: PathId, number: PathId) -> dict[str, Any]:
    """One version, with its frozen snapshot (the shape is in docs/record.md)."""
    user, record, version = _version(request, discussion_id, number)
    _audit(request, user, record, f"Viewed version {version.number}", obj=version)
    return {**_version_out(version), "snapshot": version.snapshot}


@router.get(
    "/{discussion_id}/versions/{number}/pdf",
    response={200: None, **ERRORS},
    operation_id="record_version_pdf",
)
def record_version_pdf(request: HttpRequest, discussion_id: PathId, number: PathId) -> HttpResponse:
    """The PDF of one version, byte for byte as authorised (its SHA-256 is in the metadata)."""
    user, record, version = _version(request, discussion_id, number)
    _audit(
        request,
        user,
        record,
        f"Downloaded the PDF of version {version.number}",
        action=Action.DOWNLOAD,
        obj=version,
    )
    response = HttpResponse(version.pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(version.snapshot)}"'
    return response


@router.get(
    "/{discussion_id}/decision",
    response={200: DecisionOut, **ERRORS},
    operation_id="record_decision",
)
def record_decision(request: HttpRequest, discussion_id: PathId) -> dict[str, Any]:
    """The decision: of the latest version you may read, else (social care) of the draft."""
    user, record = _record(request, discussion_id)
    version = selectors.versions_visible_to(user=user, record=record).first()
    _audit(
        request,
        user,
        record,
        f"Viewed the decision of version {version.number}"
        if version
        else "Viewed the draft decision",
        obj=version,
    )
    if version is not None:
        content = version.snapshot["parts"].get("decision") or {}
        number: int | None = version.number
    else:
        content = selectors.record_contents(record=record).get(RecordSection.DECISION) or {}
        number = None
    decision = sections.DecisionContent.model_validate(content)
    return {
        "version": number,
        "decision": decision.decision.value if decision.decision else None,
        "decision_label": sections.DECISION_LABELS[decision.decision] if decision.decision else "",
        "reasons": decision.reasons,
        "reconvene_on": decision.reconvene_on,
        "draft": version is None,
    }


# The writes (hold, sections, authorise, distribute, confirm, correct): their own module.
router.add_router("", writes_router)
