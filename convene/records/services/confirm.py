"""Attendees confirm the record or ask for a correction; a correction reopens the draft."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.people.models import Professional
from convene.records.awaiting import MUST_CONFIRM, store_awaiting
from convene.records.models import (
    Confirmation,
    Record,
    RecordVersion,
)
from convene.records.policy import (
    may_chair,
)
from convene.records.services._common import State, _audit, _event, _lock, _move

# --- confirmation and correction ---------------------------------------------------------


def _attendees(version: RecordVersion) -> set[int]:
    return set(
        version.attendance.filter(status="attended").values_list("professional_id", flat=True)
    )


def _to_confirm(version: RecordVersion) -> set[int]:
    """Who must confirm: every attendee but the chair and the authoriser, who made the record."""
    return set(version.attendance.filter(MUST_CONFIRM).values_list("professional_id", flat=True))


def _maybe_confirmed(
    record: Record, version: RecordVersion, by: Professional, now: datetime
) -> bool:
    """distributed → confirmed once every attendee confirmed, or had their correction resolved.

    Says whether it moved."""
    discussion = record.discussion
    if discussion.state != State.DISTRIBUTED or record.draft_open:
        return False
    settled = set(
        version.confirmations.filter(response=Confirmation.Response.ACCURATE).values_list(
            "professional_id", flat=True
        )
    ) | set(version.confirmations.exclude(resolution="").values_list("professional_id", flat=True))
    if _to_confirm(version) <= settled:
        _move(
            record,
            discussion,
            action="confirmed",
            from_state=State.DISTRIBUTED,
            to_state=State.CONFIRMED,
            by=by,
            at=now,
            version_number=version.number,
        )
        return True
    return False


_CONFIRMED = "; every attendee has now confirmed the record"


@transaction.atomic
def record_confirm(
    *,
    record: Record,
    accurate: bool,
    comment: str = "",
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> Confirmation:
    """An attendee confirms the distributed version is accurate, or asks to correct it (R001.9)."""
    record = _lock(record)
    version = record.versions.filter(distributed_at__isnull=False).order_by("-number").first()
    if version is None:
        raise Conflict("The record has not been distributed yet")
    if by.pk not in _attendees(version):
        raise NotAllowed("Only someone who attended can confirm the record")
    comment = comment.strip()
    if not accurate and not comment:
        raise Invalid("Enter what needs correcting", field="comment")
    if version.confirmations.filter(professional=by).exists():
        raise Conflict(f"You have already responded to version {version.number}")
    confirmation = Confirmation.objects.create(
        version=version,
        professional=by,
        response=Confirmation.Response.ACCURATE if accurate else Confirmation.Response.CORRECTION,
        comment=comment,
        responded_at=now,
    )
    store_awaiting(Q(version=version, professional=by))
    confirmed = _maybe_confirmed(record, version, by, now)
    _audit(
        record,
        obj=version,
        action=AuditAction.CHANGE,
        summary=(
            f"Confirmed version {version.number} is accurate"
            if accurate
            else f"Asked for a correction to version {version.number}"
        )
        + (_CONFIRMED if confirmed else ""),
        by=by,
        context=context,
    )
    return confirmation


@transaction.atomic
def confirmation_resolve(
    *,
    confirmation: Confirmation,
    note: str,
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> Confirmation:
    """The chair answers a correction request without a new version ("no change needed")."""
    confirmation = Confirmation.objects.select_related("version__record").get(pk=confirmation.pk)
    record = _lock(confirmation.version.record)
    if not may_chair(by, record.discussion):
        raise NotAllowed("Only the chair or a manager who may chair can resolve a correction")
    confirmation = Confirmation.objects.select_for_update().get(pk=confirmation.pk)
    if not confirmation.is_open_correction:
        raise Conflict("This response is not an open correction request")
    if not note.strip():
        raise Invalid("Enter why no change is needed", field="note")
    confirmation.resolution = Confirmation.Resolution.NO_CHANGE
    confirmation.resolution_note = note.strip()
    confirmation.resolved_by = by
    confirmation.resolved_at = now
    confirmation.save()
    confirmed = _maybe_confirmed(record, confirmation.version, by, now)
    _audit(
        record,
        obj=confirmation,
        action=AuditAction.CHANGE,
        summary=f"Resolved {confirmation.professional}'s correction request to version "
        f"{confirmation.version.number}: no change needed" + (_CONFIRMED if confirmed else ""),
        by=by,
        context=context,
    )
    return confirmation


@transaction.atomic
def record_correction_start(
    *,
    record: Record,
    note: str,
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> Record:
    """Open the draft again to make a corrected version; the authorised ones stay as they are."""
    record = _lock(record)
    discussion = record.discussion
    if not may_chair(by, discussion):
        raise NotAllowed("Only the chair or a manager who may chair can correct the record")
    if record.draft_open:
        raise Conflict("The draft is already open for changes")
    if not note.strip():
        raise Invalid("Enter what the correction is for", field="note")
    record.draft_open = True
    record.correction_note = note.strip()
    record.modified_by = by
    record.save(update_fields=["draft_open", "correction_note", "modified_by", "modified_at"])
    _event(
        record,
        action="correction_started",
        from_state=discussion.state,
        to_state=discussion.state,
        by=by,
        at=now,
        version_number=record.latest_number,
        note=record.correction_note,
    )
    _audit(
        record,
        action=AuditAction.CHANGE,
        summary=f"Opened the record to correct version {record.latest_number}",
        by=by,
        context=context,
    )
    return record
