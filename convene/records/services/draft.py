"""The draft: saving a section or an action, and submitting the record."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.core.errors import Conflict, Invalid, NotAllowed, Problems
from convene.discussions.models import Discussion
from convene.people.models import Agency, Professional
from convene.policy.vocab import Decision, RecordSection
from convene.records import sections
from convene.records.authorise_checks import record_check
from convene.records.errors import RecordIncomplete
from convene.records.models import (
    Record,
    RecordSectionEntry,
)
from convene.records.per_child import children_facts
from convene.records.policy import (
    discussion_facts,
    discussion_pack,
    may_chair,
)
from convene.records.services._common import (
    State,
    _audit,
    _contents,
    _invitees,
    _lock,
    _move,
    _person_label,
    _write_entry,
)
from convene.workdays import london_date

# --- the draft ---------------------------------------------------------------------------


def _check_editable(record: Record, by: Professional) -> None:
    if not may_chair(by, record.discussion):
        raise NotAllowed("Only the chair or a manager who may chair can change the record")
    if not record.draft_open:
        raise Conflict(
            "This record has been authorised and cannot be changed: start a correction to make "
            "a new version"
        )


def _label_invitees(
    record: Record,
    rows: list[dict[str, Any]],
    fields: tuple[str, ...],
    refusal: str,
    problems: Problems,
) -> None:
    """Copy each row's person's name, agency (and role) from the database, not the form."""
    invitees = _invitees(record.discussion)
    for row in rows:
        person = invitees.get(row["professional_id"])
        if person is None:
            problems.add(refusal)
            continue
        row.update(zip(fields, _person_label(person), strict=False))


def _normalise_attendance(record: Record, content: dict[str, Any], problems: Problems) -> None:
    _label_invitees(
        record,
        content["rows"],
        ("name", "agency", "role"),
        "Attendance can only list people invited to the discussion",
        problems,
    )


def _normalise_views(record: Record, content: dict[str, Any], problems: Problems) -> None:
    _label_invitees(
        record,
        content["views"],
        ("name", "agency"),
        "Views can only be recorded for people invited to the discussion",
        problems,
    )


def _normalise_decision(record: Record, content: dict[str, Any], problems: Problems) -> None:
    reconvene_on = sections.DecisionContent.model_validate(content).reconvene_on
    if content.get("decision") != Decision.SINGLE_ASSESSMENT:
        content["reconvene_on"] = None
    elif reconvene_on is not None and reconvene_on < london_date(record.held_at):
        problems.add(
            "The date to reconvene must be on or after the discussion", field="reconvene_on"
        )


def _normalise_actions(record: Record, content: dict[str, Any], problems: Problems) -> None:
    held_on = london_date(record.held_at)
    for action in content["actions"]:
        with problems.check():
            _resolve_owner(record.discussion, action)
        if sections.ActionItem.model_validate(action).due_on < held_on:
            problems.add("An action cannot be due before the discussion", field="due_on")


def _normalise_hrpm(record: Record, content: dict[str, Any], problems: Problems) -> None:
    if content.get("owner_id") is not None:
        with problems.check():
            _resolve_owner(record.discussion, content)


def _normalise_reconvene(record: Record, content: dict[str, Any], problems: Problems) -> None:
    if content.get("none_planned"):
        content.update(next_on=None, at_time="", venue="")


# What each section needs beyond its schema; sections not listed need nothing more.
_NORMALISERS: dict[RecordSection, Callable[[Record, dict[str, Any], Problems], None]] = {
    RecordSection.ATTENDANCE: _normalise_attendance,
    RecordSection.PROFESSIONAL_VIEWS: _normalise_views,
    RecordSection.DECISION: _normalise_decision,
    RecordSection.ACTIONS: _normalise_actions,
    RecordSection.HRPM_CONSIDERATION: _normalise_hrpm,
    RecordSection.RECONVENE_DATE: _normalise_reconvene,
}


def _normalise(record: Record, section: RecordSection, content: dict[str, Any]) -> dict[str, Any]:
    """Check what the schema cannot, and copy names from the database, not the form.

    Every mistake is found before any is reported (issue 18: all at once)."""
    problems = Problems()
    normalise = _NORMALISERS.get(section)
    if normalise is not None:
        normalise(record, content, problems)
    problems.raise_any()
    return content


def _resolve_owner(discussion: Discussion, item: dict[str, Any]) -> Professional | Agency:
    """The person or agency an action is for: a professional or agency of the partnership."""
    kind = item.get("owner_kind")
    owner: Professional | Agency | None
    if kind == sections.OwnerKind.PERSON:
        owner = (
            Professional.objects.filter(
                pk=item["owner_id"],
                is_active=True,
                agency__partnerships=discussion.partnership_id,
            )
            .select_related("agency")
            .first()
        )
        if owner is not None:
            item["owner_name"] = str(owner) + (f" ({owner.agency.name})" if owner.agency else "")
    elif kind == sections.OwnerKind.AGENCY:
        owner = Agency.objects.filter(
            pk=item["owner_id"], partnerships=discussion.partnership_id
        ).first()
        if owner is not None:
            item["owner_name"] = owner.name
    else:
        owner = None
    if owner is None:
        raise Invalid("Choose who the action is for from the partnership", field="owner")
    return owner


@transaction.atomic
def record_section_save(
    *,
    record: Record,
    section: RecordSection,
    content: Mapping[str, Any],
    expected_version: int,
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> RecordSectionEntry:
    """Save one part of the draft; refused with both versions if it changed meanwhile."""
    record = _lock(record)
    entry, changed = _section_save(
        record, section, content, expected_version=expected_version, by=by, now=now
    )
    if changed:
        _audit(
            record,
            action=AuditAction.CHANGE,
            summary=f"Saved ‘{sections.part(section).title}’ (section version {entry.version})",
            by=by,
            context=context,
        )
    return entry


def _section_save(
    record: Record,
    section: RecordSection,
    content: Mapping[str, Any],
    *,
    expected_version: int,
    by: Professional,
    now: datetime,
) -> tuple[RecordSectionEntry, bool]:
    """Check and save one section of a locked record (the callers audit it)."""
    _check_editable(record, by)
    part = sections.part(section)
    if part.section != section:
        raise Invalid(f"{section} is saved with {part.section}")
    try:
        parsed = sections.parse_content(section, content)
    except sections.ContentInvalid as error:
        # Each problem of the content on its own, so that a form lists them all.
        found = Problems()
        for problem in error.problems:
            where, _, _ = problem.partition(":")
            found.add(problem, field=where.split(".")[0] or None)
        found.raise_any()
    parsed = _normalise(record, section, parsed)
    return _write_entry(record, section, parsed, by=by, now=now, expected_version=expected_version)


def _actions_content(record: Record) -> tuple[dict[str, Any], int]:
    entry = RecordSectionEntry.objects.filter(
        record=record, section=RecordSection.ACTIONS.value
    ).first()
    if entry is None:
        return sections.part(RecordSection.ACTIONS).empty(), 0
    return dict(entry.content), entry.version


@transaction.atomic
def record_action_save(
    *,
    record: Record,
    action: Mapping[str, Any],
    expected_version: int,
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> RecordSectionEntry:
    """Add an action, or change the one with the same ``key``; a save of the actions part."""
    locked = _lock(record)
    content, _ = _actions_content(locked)
    actions = [a for a in content["actions"] if a["key"] != action.get("key")]
    position = next(
        (i for i, a in enumerate(content["actions"]) if a["key"] == action.get("key")),
        len(actions),
    )
    actions.insert(position, dict(action))
    known = any(a["key"] == action.get("key") for a in content["actions"])
    entry, changed = _section_save(
        locked,
        RecordSection.ACTIONS,
        {**content, "actions": actions, "none_agreed": False},
        expected_version=expected_version,
        by=by,
        now=now,
    )
    if changed:
        _audit(
            locked,
            action=AuditAction.CHANGE,
            summary=f"{'Changed' if known else 'Added'} an action "
            f"(actions version {entry.version})",
            by=by,
            context=context,
        )
    return entry


@transaction.atomic
def record_action_remove(
    *,
    record: Record,
    key: str,
    expected_version: int,
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> RecordSectionEntry:
    locked = _lock(record)
    content, _ = _actions_content(locked)
    if not any(a["key"] == key for a in content["actions"]):
        raise Invalid("That action is not in the record")
    entry, _changed = _section_save(
        locked,
        RecordSection.ACTIONS,
        {**content, "actions": [a for a in content["actions"] if a["key"] != key]},
        expected_version=expected_version,
        by=by,
        now=now,
    )
    _audit(
        locked,
        action=AuditAction.CHANGE,
        summary=f"Removed an action (actions version {entry.version})",
        by=by,
        context=context,
    )
    return entry


@transaction.atomic
def record_submit(
    *, record: Record, by: Professional, now: datetime, context: AuditContext | None = None
) -> Record:
    """held → recorded: the chair says the draft is complete and ready to authorise."""
    record = _lock(record)
    _check_editable(record, by)
    discussion = record.discussion
    if discussion.state != State.HELD:
        raise Conflict(f"This record is {discussion.get_state_display().lower()}, not held")
    check = record_check(
        record,
        discussion_pack(discussion),
        discussion_facts(discussion),
        _contents(record),
        per_child=children_facts(discussion),
    )
    if not check.ready:
        raise RecordIncomplete(check.missing)
    _move(
        record,
        discussion,
        action="submitted",
        from_state=State.HELD,
        to_state=State.RECORDED,
        by=by,
        at=now,
    )
    _audit(
        record,
        action=AuditAction.CHANGE,
        summary="Submitted the record as complete, ready to authorise",
        by=by,
        context=context,
    )
    return record
