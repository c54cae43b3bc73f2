"""What every stage of the record shares: locking, events, the audit entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.core.errors import Invalid
from convene.discussions.models import Discussion, Invitation
from convene.discussions.transitions import discussion_transition
from convene.people.models import Professional
from convene.policy.vocab import ClockKind, RecordSection
from convene.records.errors import SectionConflict
from convene.records.models import (
    Record,
    RecordEvent,
    RecordSectionEntry,
    SectionHistory,
)

State = Discussion.State
FOLLOW_ON = (ClockKind.S47_VISIT, ClockKind.ICPC, ClockKind.RECONVENE)
AT_HOLD = (ClockKind.RECORD_DISTRIBUTED, ClockKind.OUTCOME_NOTIFIED)


# --- helpers -------------------------------------------------------------------------


def _audit(
    record: Record,
    *,
    action: AuditAction,
    summary: str,
    by: Professional,
    context: AuditContext | None,
    obj: models.Model | None = None,
) -> None:
    """One audit entry per child discussed, in the caller's transaction."""
    discussion = record.discussion
    audit_record_children(
        actor=by,
        action=action,
        obj=obj or record,
        children=discussion.children.all(),
        summary=f"{summary} (record of {discussion.reference})",
        context=context,
    )


def _aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid(f"{name} must carry a time zone")


def _lock(record: Record) -> Record:
    locked = (
        Record.objects.select_for_update()
        .select_related("discussion", "discussion__referral", "discussion__partnership")
        .get(pk=record.pk)
    )
    # The discussion row too: its state is the record's state.
    locked.discussion = Discussion.objects.select_for_update().get(pk=locked.discussion_id)
    return locked


def _event(
    record: Record,
    *,
    action: str,
    from_state: str,
    to_state: str,
    by: Professional,
    at: datetime,
    version_number: int | None = None,
    note: str = "",
) -> None:
    RecordEvent.objects.create(
        record=record,
        action=action,
        from_state=from_state,
        to_state=to_state,
        version_number=version_number,
        note=note,
        by=by,
        at=at,
    )


def _move(
    record: Record,
    discussion: Discussion,
    *,
    action: str,
    from_state: str,
    to_state: str,
    by: Professional,
    at: datetime,
    version_number: int | None = None,
    note: str = "",
) -> None:
    """Move the discussion through the one state machine and record the record's event."""
    discussion_transition(discussion=discussion, to=to_state, by=by, at=at)
    _event(
        record,
        action=action,
        from_state=from_state,
        to_state=to_state,
        by=by,
        at=at,
        version_number=version_number,
        note=note,
    )


def _contents(record: Record) -> dict[RecordSection, dict[str, Any]]:
    return {RecordSection(e.section): e.content for e in record.entries.all()}


def _invitees(discussion: Discussion) -> dict[int, Professional]:
    return {
        inv.professional_id: inv.professional
        for inv in Invitation.objects.filter(discussion=discussion).select_related(
            "professional__agency"
        )
    }


def _write_entry(
    record: Record,
    section: RecordSection,
    content: dict[str, Any],
    *,
    by: Professional,
    now: datetime,
    expected_version: int | None,
) -> tuple[RecordSectionEntry, bool]:
    """Save one section's content; also say whether anything changed (a new version)."""
    entry, _ = RecordSectionEntry.objects.select_for_update().get_or_create(
        record=record, section=section.value
    )
    if expected_version is not None and entry.version != expected_version:
        raise SectionConflict(
            section=section,
            current=entry.content,
            current_version=entry.version,
            saved_by=str(entry.updated_by) if entry.updated_by else "Someone else",
            saved_at=entry.updated_at,
            yours=content,
        )
    if entry.version and content == entry.content:
        return entry, False
    SectionHistory.objects.create(
        record=record,
        section=section.value,
        version=entry.version + 1,
        before=entry.content,
        after=content,
        changed_by=by,
        changed_at=now,
    )
    entry.content = content
    entry.version += 1
    entry.updated_by = by
    entry.updated_at = now
    entry.save(update_fields=["content", "version", "updated_by", "updated_at"])
    return entry, True


def _person_label(professional: Professional) -> tuple[str, str, str]:
    agency = professional.agency.name if professional.agency else ""
    return str(professional), agency, professional.job_title
