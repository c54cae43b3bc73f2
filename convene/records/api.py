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

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from convene.people.models import Professional
from convene.policy.vocab import RecordSection
from convene.records import sections, selectors
from convene.records.models import Record, RecordVersion
from convene.records.notices import pdf_filename

router = Router(tags=["records"])


class Message(Schema):
    detail: str


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


class DecisionOut(Schema):
    version: int | None
    decision: str | None
    decision_label: str
    reasons: str
    reconvene_on: date | None
    draft: bool


ERRORS: dict[int, type] = {401: Message, 404: Message}


def _user(request: HttpRequest) -> Professional:
    for candidate in (getattr(request, "auth", None), getattr(request, "user", None)):
        if isinstance(candidate, Professional) and candidate.is_active:
            return candidate
    raise HttpError(401, "Authentication required")


def _record(request: HttpRequest, discussion_id: int) -> tuple[Professional, Record]:
    user = _user(request)
    try:
        return user, selectors.record_for(user=user, pk=discussion_id)
    except Http404:
        raise HttpError(404, "Not found") from None


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


@router.get("/{int:discussion_id}", response={200: RecordOut, **ERRORS}, operation_id="record_get")
def record_get(request: HttpRequest, discussion_id: int) -> dict[str, Any]:
    """The record of a discussion: state, and the draft's sections for social care."""
    user, record = _record(request, discussion_id)
    draft = selectors.sees_draft(user=user, discussion=record.discussion)
    found: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
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
    }


@router.get(
    "/{int:discussion_id}/versions",
    response={200: list[VersionOut], **ERRORS},
    operation_id="record_versions",
)
def record_versions(request: HttpRequest, discussion_id: int) -> list[dict[str, Any]]:
    """The authorised versions you may read, newest first."""
    user, record = _record(request, discussion_id)
    return [_version_out(v) for v in selectors.versions_visible_to(user=user, record=record)]


def _version(request: HttpRequest, discussion_id: int, number: int) -> RecordVersion:
    user, record = _record(request, discussion_id)
    version = selectors.versions_visible_to(user=user, record=record).filter(number=number).first()
    if version is None:
        raise HttpError(404, "Not found")
    return version


@router.get(
    "/{int:discussion_id}/versions/{int:number}",
    response={200: VersionDetailOut, **ERRORS},
    operation_id="record_version",
)
def record_version(request: HttpRequest, discussion_id: int, number: int) -> dict[str, Any]:
    """One version, with its frozen snapshot (the shape is in docs/record.md)."""
    version = _version(request, discussion_id, number)
    return {**_version_out(version), "snapshot": version.snapshot}


@router.get(
    "/{int:discussion_id}/versions/{int:number}/pdf",
    response={200: None, **ERRORS},
    operation_id="record_version_pdf",
)
def record_version_pdf(request: HttpRequest, discussion_id: int, number: int) -> HttpResponse:
    """The PDF of one version, byte for byte as authorised (its SHA-256 is in the metadata)."""
    version = _version(request, discussion_id, number)
    response = HttpResponse(version.pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(version.snapshot)}"'
    return response


@router.get(
    "/{int:discussion_id}/decision",
    response={200: DecisionOut, **ERRORS},
    operation_id="record_decision",
)
def record_decision(request: HttpRequest, discussion_id: int) -> dict[str, Any]:
    """The decision: of the latest version you may read, else (social care) of the draft."""
    user, record = _record(request, discussion_id)
    version = selectors.versions_visible_to(user=user, record=record).first()
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
