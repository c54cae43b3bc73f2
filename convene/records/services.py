"""Writes of the record: hold, save a section, authorise, distribute, confirm, correct.

Each function is keyword-only, takes ``by`` and an explicit ``now``, checks
before it writes and runs in one transaction (a failure anywhere leaves the
record as it was). Each locks the ``Record`` row first, so two saves or
transitions of one record never interleave; a section save carries the
version its form showed and is refused, with both versions, when stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import HttpRequest

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.clocks.models import Clock
from convene.clocks.services import clock_meet, clock_start, clock_waive, clocks_open_for
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.discussions.models import Discussion, Invitation
from convene.discussions.transitions import discussion_transition
from convene.people.models import Agency, Professional
from convene.people.vocab import LegalStatus
from convene.policy import engine
from convene.policy.facts import CaseFacts
from convene.policy.pack import PolicyPack
from convene.policy.vocab import ClockKind, Decision, RecordSection, StartEvent
from convene.records import attendance_exceptions, sections, snapshot
from convene.records.authorise_checks import record_check
from convene.records.errors import RecordIncomplete, SectionConflict
from convene.records.models import (
    Action,
    Attendance,
    Confirmation,
    DistributionLog,
    Record,
    RecordEvent,
    RecordSectionEntry,
    RecordVersion,
    SectionHistory,
)
from convene.records.models import (
    ProfessionalView as ViewRow,
)
from convene.records.outbox import distribution_decide
from convene.records.pdf import render_pdf
from convene.records.per_child import children_facts, children_in_care, follow_on_deadlines
from convene.records.policy import (
    date_event,
    discussion_facts,
    discussion_pack,
    may_authorise,
    may_chair,
    shown_parts,
)
from convene.records.reconvened import meet_planned_reconvene
from convene.records.told import distribution_agencies_check
from convene.workdays import LONDON, london_date

__all__ = [
    "confirmation_resolve",
    "discussion_hold",
    "record_action_remove",
    "record_action_save",
    "record_authorise",
    "record_confirm",
    "record_correction_start",
    "record_distribute",
    "record_section_save",
    "record_submit",
]

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
    request: HttpRequest | None,
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
        request=request,
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


# --- holding the discussion -------------------------------------------------------------


def _distribution_text(pack: PolicyPack, facts: CaseFacts, held_at: datetime) -> str:
    found = [
        d
        for d in engine.deadlines(pack, facts, events={StartEvent.DISCUSSION_HELD: held_at})
        if d.clock == ClockKind.RECORD_DISTRIBUTED and d.governing
    ]
    if not found:
        return "As soon as practicable to everyone who took part (R001.8)"
    deadline = found[0]
    due = deadline.due_at.astimezone(LONDON)
    return (
        f"To everyone who attended by {due:%H:%M} on {due:%A} {due.day} {due:%B %Y} "
        f"({deadline.summary.lower()}; {deadline.rule_id}, "
        f"{', '.join(deadline.citation.requirements)})"
    )


def _start_deadline(
    *,
    discussion: Discussion,
    subject: Any,
    deadline: engine.Deadline,
    pack: PolicyPack,
    started_at: datetime,
    by: Professional,
) -> Clock:
    return clock_start(
        partnership=discussion.partnership,
        subject=subject,
        kind=deadline.clock,
        rule_id=deadline.rule_id,
        policy_id=pack.id,
        policy_version=pack.version,
        citation=str(deadline.citation),
        summary=deadline.summary,
        started_at=started_at,
        due_at=deadline.due_at,
        by=by,
    )


@transaction.atomic
def discussion_hold(
    *,
    discussion: Discussion,
    held_at: datetime,
    by: Professional,
    now: datetime,
    request: HttpRequest | None = None,
) -> Record:
    """Mark a scheduled discussion as held and open its record.

    Starts the clocks that run from the discussion (the record to attendees,
    R002.8; the outcome to the referrer and absent agencies, R002.9), meets
    the convene-by clock, and fills the attendance from the invitations.
    """
    _aware(held_at, "held_at")
    discussion = Discussion.objects.select_for_update().get(pk=discussion.pk)
    if not may_chair(by, discussion):
        raise NotAllowed("Only the chair or a manager who may chair can mark the discussion held")
    if discussion.state != State.SCHEDULED:
        raise Conflict(
            f"Only a scheduled discussion can be marked held; this one is "
            f"{discussion.get_state_display().lower()}"
        )
    if held_at > now:
        raise Invalid("The discussion cannot be held in the future", field="held_at")
    if held_at < discussion.referral.received_at:
        raise Invalid(
            "The discussion cannot be held before the referral was received", field="held_at"
        )
    pack = discussion_pack(discussion)
    facts = discussion_facts(discussion)
    record = Record.objects.create(
        discussion=discussion,
        held_at=held_at,
        held_by=by,
        policy_id=pack.id,
        policy_version=pack.version,
        policy_digest=pack.digest,
        created_by=by,
        modified_by=by,
    )
    statuses: dict[str, str] = {
        Invitation.Response.ACCEPTED: sections.AttendanceStatus.ATTENDED.value,
        Invitation.Response.APOLOGIES: sections.AttendanceStatus.APOLOGIES.value,
    }
    rows = []
    for invitation in Invitation.objects.filter(discussion=discussion).select_related(
        "professional__agency"
    ):
        name, agency, role = _person_label(invitation.professional)
        rows.append(
            {
                "professional_id": invitation.professional_id,
                "name": name,
                "agency": agency,
                "role": role,
                "status": statuses.get(invitation.response),
            }
        )
    _write_entry(
        record,
        RecordSection.ATTENDANCE,
        sections.parse_content(RecordSection.ATTENDANCE, {"rows": rows}),
        by=by,
        now=now,
        expected_version=None,
    )
    _write_entry(
        record,
        RecordSection.RECORD_DISTRIBUTION,
        sections.parse_content(
            RecordSection.RECORD_DISTRIBUTION,
            {"timescale": _distribution_text(pack, facts, held_at)},
        ),
        by=by,
        now=now,
        expected_version=None,
    )
    for deadline in engine.deadlines(pack, facts, events={StartEvent.DISCUSSION_HELD: held_at}):
        if deadline.governing and deadline.clock in AT_HOLD:
            _start_deadline(
                discussion=discussion,
                subject=discussion,
                deadline=deadline,
                pack=pack,
                started_at=held_at,
                by=by,
            )
    for subject in (discussion, discussion.referral):
        for clock in clocks_open_for(subject=subject):
            if clock.kind == ClockKind.CONVENE:
                clock_meet(clock=clock, at=max(held_at, clock.started_at), by=by)
    meet_planned_reconvene(discussion=discussion, held_at=held_at, by=by)
    discussion_transition(discussion=discussion, to=State.HELD, by=by, at=now)
    _event(record, action="held", from_state=State.SCHEDULED, to_state=State.HELD, by=by, at=now)
    _audit(
        record,
        action=AuditAction.CREATE,
        summary="Marked the discussion held and opened its record",
        by=by,
        request=request,
    )
    return record


# --- the draft ---------------------------------------------------------------------------


def _check_editable(record: Record, by: Professional) -> None:
    if not may_chair(by, record.discussion):
        raise NotAllowed("Only the chair or a manager who may chair can change the record")
    if not record.draft_open:
        raise Conflict(
            "This record has been authorised and cannot be changed: start a correction to make "
            "a new version"
        )


def _normalise(record: Record, section: RecordSection, content: dict[str, Any]) -> dict[str, Any]:
    """Check what the schema cannot, and copy names from the database, not the form."""
    discussion = record.discussion
    held_on = london_date(record.held_at)
    invitees = _invitees(discussion)
    if section == RecordSection.ATTENDANCE:
        for row in content["rows"]:
            person = invitees.get(row["professional_id"])
            if person is None:
                raise Invalid("Attendance can only list people invited to the discussion")
            row["name"], row["agency"], row["role"] = _person_label(person)
    elif section == RecordSection.PROFESSIONAL_VIEWS:
        for view in content["views"]:
            person = invitees.get(view["professional_id"])
            if person is None:
                raise Invalid("Views can only be recorded for people invited to the discussion")
            view["name"], view["agency"], _ = _person_label(person)
    elif section == RecordSection.DECISION:
        reconvene_on = sections.DecisionContent.model_validate(content).reconvene_on
        if content.get("decision") != Decision.SINGLE_ASSESSMENT:
            content["reconvene_on"] = None
        elif reconvene_on is not None and reconvene_on < held_on:
            raise Invalid(
                "The date to reconvene must be on or after the discussion", field="reconvene_on"
            )
    elif section == RecordSection.ACTIONS:
        for action in content["actions"]:
            _resolve_owner(discussion, action)
            if sections.ActionItem.model_validate(action).due_on < held_on:
                raise Invalid("An action cannot be due before the discussion", field="due_on")
    elif section == RecordSection.HRPM_CONSIDERATION and content.get("owner_id") is not None:
        _resolve_owner(discussion, content)
    elif section == RecordSection.RECONVENE_DATE and content.get("none_planned"):
        content.update(next_on=None, at_time="", venue="")
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
    request: HttpRequest | None = None,
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
            request=request,
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
        raise Invalid("; ".join(error.problems)) from None
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
    request: HttpRequest | None = None,
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
            request=request,
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
    request: HttpRequest | None = None,
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
        request=request,
    )
    return entry


@transaction.atomic
def record_submit(
    *, record: Record, by: Professional, now: datetime, request: HttpRequest | None = None
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
    discussion_transition(discussion=discussion, to=State.RECORDED, by=by, at=now)
    _event(
        record, action="submitted", from_state=State.HELD, to_state=State.RECORDED, by=by, at=now
    )
    _audit(
        record,
        action=AuditAction.CHANGE,
        summary="Submitted the record as complete, ready to authorise",
        by=by,
        request=request,
    )
    return record


# --- authorising -------------------------------------------------------------------------


def _owner_fields(record: Record, item: Mapping[str, Any]) -> dict[str, Any]:
    owner = _resolve_owner(record.discussion, dict(item))
    if isinstance(owner, Professional):
        return {"owner_professional": owner, "owner_agency": None}
    return {"owner_professional": None, "owner_agency": owner}


def _action_deadline(pack: PolicyPack, facts: CaseFacts, due_on: Any) -> engine.Deadline | None:
    found = [
        d
        for d in engine.deadlines(
            pack, facts, events={StartEvent.ACTION_DUE_DATE: date_event(due_on)}
        )
        if d.clock == ClockKind.ACTION_DUE and d.governing
    ]
    return found[0] if found else None


def _waive_all(
    subject: Any, kinds: Iterable[ClockKind], *, reason: str, by: Professional, at: datetime
) -> None:
    kinds = set(kinds)
    for clock in clocks_open_for(subject=subject):
        if clock.kind in kinds:
            clock_waive(clock=clock, reason=reason, at=at, by=by)


def _start_action_clock(
    record: Record, action: Action, pack: PolicyPack, facts: CaseFacts, by: Professional
) -> None:
    deadline = _action_deadline(pack, facts, action.due_on)
    if deadline is not None:
        _start_deadline(
            discussion=record.discussion,
            subject=action,
            deadline=deadline,
            pack=pack,
            started_at=min(record.held_at, deadline.due_at),
            by=by,
        )


def _sync_actions(
    *,
    record: Record,
    version: RecordVersion,
    items: list[dict[str, Any]],
    pack: PolicyPack,
    facts: CaseFacts,
    by: Professional,
    now: datetime,
) -> None:
    existing = {a.key: a for a in Action.objects.select_for_update().filter(record=record)}
    kept: set[str] = set()
    for item in items:
        key = item["key"]
        kept.add(key)
        fields: dict[str, Any] = {
            **_owner_fields(record, item),
            "kind": item.get("kind", Action.Kind.AGREED),
            "owner_name": item["owner_name"],
            "what": item["what"],
            "why": item.get("why", ""),
            "due_on": _as_date(item["due_on"]),
            "not_for_family": bool(item.get("not_for_family", False)),
        }
        action = existing.get(key)
        if action is None:
            action = Action.objects.create(
                record=record,
                key=key,
                introduced_in=version,
                changed_in=version,
                created_by=by,
                modified_by=by,
                **fields,
            )
            _start_action_clock(record, action, pack, facts, by)
            continue
        changed = any(getattr(action, name) != value for name, value in fields.items())
        reopened = action.status == Action.Status.CANCELLED
        if not changed and not reopened:
            continue
        due_changed = action.due_on != fields["due_on"]
        for name, value in fields.items():
            setattr(action, name, value)
        action.changed_in = version
        action.modified_by = by
        if reopened:
            action.status, action.closed_at, action.closed_note = Action.Status.OPEN, None, ""
        action.save()
        if (due_changed or reopened) and action.status == Action.Status.OPEN:
            _waive_all(
                action,
                [ClockKind.ACTION_DUE],
                reason=f"Due date changed in record version {version.number}",
                by=by,
                at=now,
            )
            _start_action_clock(record, action, pack, facts, by)
    for key, action in existing.items():
        if key not in kept and action.status == Action.Status.OPEN:
            action.status = Action.Status.CANCELLED
            action.closed_at = now
            action.closed_note = f"Removed in record version {version.number}"
            action.changed_in = version
            action.modified_by = by
            action.save()
            _waive_all(
                action,
                [ClockKind.ACTION_DUE],
                reason=f"Action removed in record version {version.number}",
                by=by,
                at=now,
            )


def _hrpm_item(
    record: Record, contents: Mapping[RecordSection, Mapping[str, Any]], facts: CaseFacts
) -> dict[str, Any] | None:
    """A child in care: the HRPM consideration as a task (R001.14, R000.2c)."""
    if facts.legal_status != LegalStatus.CHILD_IN_CARE:
        return None
    hrpm = sections.HrpmContent.model_validate(
        dict(contents.get(RecordSection.HRPM_CONSIDERATION) or {})
    )
    if hrpm.owner_id is None or hrpm.by_on is None or hrpm.owner_kind is None:
        return None
    children = ", ".join(children_in_care(record.discussion))
    return {
        "key": "hrpm",
        "kind": Action.Kind.HRPM,
        "owner_kind": hrpm.owner_kind.value,
        "owner_id": hrpm.owner_id,
        "owner_name": hrpm.owner_name,
        "what": f"Consider whether a High Risk Planning Meeting is needed for {children}"
        + (f": {hrpm.notes}" if hrpm.notes else ""),
        "why": "A child in care (R001.14, R000.2)",
        "due_on": hrpm.by_on.isoformat(),
        "not_for_family": True,
    }


def _sync_follow_on(
    *,
    record: Record,
    version: RecordVersion,
    decision: Decision,
    reconvene_on: Any,
    pack: PolicyPack,
    facts: CaseFacts,
    by: Professional,
    now: datetime,
) -> None:
    """The clocks a decision starts: S47 visit and ICPC (R003.8, R002.12), reconvene (R002.13).

    A correction that keeps the same deadline keeps the clock; one that changes or
    removes it waives the old clock with the reason and starts the new one.
    """
    discussion = record.discussion
    events: dict[StartEvent, datetime] = {
        StartEvent.DISCUSSION_HELD: record.held_at,
        StartEvent.RECORD_AUTHORISED: now,
    }
    if decision.starts_s47:
        # The discussion at which S47 enquiries were decided (R002.12).
        events[StartEvent.S47_DECIDED] = record.held_at
    if decision == Decision.SINGLE_ASSESSMENT and reconvene_on is not None:
        events[StartEvent.RECONVENE_DATE] = date_event(reconvene_on)
    # Child by child (R000.2): a sibling's own facts may set a clock the discussion's do not.
    readings = [facts, *children_facts(discussion, decision=decision)]
    wanted = follow_on_deadlines(pack, readings, events=events, kinds=FOLLOW_ON)
    open_clocks = {
        ClockKind(c.kind): c for c in clocks_open_for(subject=discussion) if c.kind in FOLLOW_ON
    }
    for kind in FOLLOW_ON:
        deadline = wanted.get(kind)
        current = open_clocks.get(kind)
        if (
            current is not None
            and deadline is not None
            and (current.due_at, current.rule_id) == (deadline.due_at, deadline.rule_id)
        ):
            continue
        if current is not None:
            clock_waive(
                clock=current,
                reason=f"Superseded by record version {version.number}",
                at=now,
                by=by,
            )
        if deadline is not None and not _already_met(discussion, kind, deadline):
            _start_deadline(
                discussion=discussion,
                subject=discussion,
                deadline=deadline,
                pack=pack,
                started_at=min(record.held_at, deadline.due_at),
                by=by,
            )


def _already_met(discussion: Discussion, kind: ClockKind, deadline: engine.Deadline) -> bool:
    """A clock with this deadline was met or waived by a person: a correction keeps that."""
    return Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(discussion),
        subject_id=discussion.pk,
        kind=kind.value,
        state__in=[Clock.State.MET, Clock.State.WAIVED],
        due_at=deadline.due_at,
        rule_id=deadline.rule_id,
    ).exists()


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@transaction.atomic
def record_authorise(
    *, record: Record, by: Professional, now: datetime, request: HttpRequest | None = None
) -> RecordVersion:
    """Freeze a numbered version with its PDF and start the clocks its decision sets.

    Refused unless ``by`` may authorise (R001.5), every section the policy
    requires for the decision is complete and the safety rules hold (the minimum
    attendance or an exception, R002.4; each attendee's view, R003.6; why by phone,
    R002.3: ``authorise_checks.record_check``), listing exactly what is missing.
    """
    _aware(now, "now")
    record = _lock(record)
    discussion = record.discussion
    if not record.draft_open:
        raise Conflict("This version is already authorised: start a correction to change it")
    if not may_authorise(by, discussion):
        raise NotAllowed(
            "Only a children's social care manager the procedure allows can authorise the record"
        )
    if record.latest_number == 0 and discussion.state not in {State.HELD, State.RECORDED}:
        raise Conflict(f"This discussion is {discussion.get_state_display().lower()}")
    pack = discussion_pack(discussion)
    facts = discussion_facts(discussion)
    contents = _contents(record)
    check = record_check(record, pack, facts, contents, per_child=children_facts(discussion))
    if not check.ready or check.decision is None:
        raise RecordIncomplete(check.missing)
    decision = check.decision
    decided = discussion_facts(discussion, decision=decision)
    previous = record.versions.order_by("-number").first()
    number = record.latest_number + 1
    started = frozenset(s for s, c in contents.items() if sections.is_started(s, c))
    shown = shown_parts(decided, decision, frozenset(r.section for r in check.required), started)
    frozen = snapshot.build(
        number=number,
        discussion=discussion,
        held_at=record.held_at,
        pack=pack,
        decision=decision,
        required=check.required,
        shown=shown,
        contents=contents,
        authorised_by=by,
        authorised_at=now,
        supersedes=previous.number if previous else None,
        correction_note=record.correction_note,
        attendance_exceptions=attendance_exceptions.frozen(record, pack, facts, contents),
    )
    pdf = render_pdf(frozen)
    version = RecordVersion.objects.create(
        record=record,
        number=number,
        snapshot=frozen,
        content_sha256=snapshot.digest(frozen),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        decision=decision.value,
        authorised_by=by,
        authorised_at=now,
        supersedes=previous,
        correction_note=record.correction_note,
    )
    invitees = _invitees(discussion)
    attendance = sections.AttendanceContent.model_validate(
        contents.get(RecordSection.ATTENDANCE) or {}
    )
    Attendance.objects.bulk_create(
        [
            Attendance(
                version=version,
                professional=invitees[row.professional_id],
                agency=invitees[row.professional_id].agency,
                name=row.name,
                role=row.role,
                status=row.status.value if row.status else "absent",
            )
            for row in attendance.rows
            if row.professional_id in invitees
        ]
    )
    views = sections.ProfessionalViewsContent.model_validate(
        contents.get(RecordSection.PROFESSIONAL_VIEWS) or {}
    )
    ViewRow.objects.bulk_create(
        [
            ViewRow(
                version=version,
                professional=invitees[v.professional_id],
                view=v.view.value,
                comment=v.comment,
                not_for_family=v.not_for_family,
            )
            for v in views.views
            if v.view is not None and v.professional_id in invitees
        ]
    )
    actions = list((contents.get(RecordSection.ACTIONS) or {}).get("actions", []))
    hrpm = _hrpm_item(record, contents, decided)
    if hrpm is not None:
        actions.append(hrpm)
    _sync_actions(
        record=record, version=version, items=actions, pack=pack, facts=decided, by=by, now=now
    )
    reconvene_on = sections.DecisionContent.model_validate(
        contents.get(RecordSection.DECISION) or {}
    ).reconvene_on
    _sync_follow_on(
        record=record,
        version=version,
        decision=decision,
        reconvene_on=reconvene_on,
        pack=pack,
        facts=decided,
        by=by,
        now=now,
    )
    if previous is not None:
        for confirmation in Confirmation.objects.select_for_update().filter(
            version__record=record, response=Confirmation.Response.CORRECTION, resolution=""
        ):
            confirmation.resolution = Confirmation.Resolution.CORRECTED
            confirmation.resolution_note = (
                f"Corrected in version {number}: {record.correction_note}"
            )
            confirmation.resolved_by = by
            confirmation.resolved_at = now
            confirmation.save()
    from_state = discussion.state
    if from_state == State.HELD:
        _event(
            record,
            action="submitted",
            from_state=State.HELD,
            to_state=State.RECORDED,
            by=by,
            at=now,
        )
        from_state = State.RECORDED
    record.draft_open = False
    record.latest_number = number
    record.correction_note = ""
    record.modified_by = by
    record.save(
        update_fields=[
            "draft_open",
            "latest_number",
            "correction_note",
            "modified_by",
            "modified_at",
        ]
    )
    discussion_transition(discussion=discussion, to=State.AUTHORISED, by=by, at=now)
    _event(
        record,
        action="authorised",
        from_state=from_state,
        to_state=State.AUTHORISED,
        by=by,
        at=now,
        version_number=number,
        note=version.correction_note,
    )
    _audit(
        record,
        obj=version,
        action=AuditAction.CREATE,
        summary=f"Authorised version {number}: {sections.DECISION_LABELS[decision]}",
        by=by,
        request=request,
    )
    return version


# --- distribution ---------------------------------------------------------------------


def _latest(record: Record) -> RecordVersion:
    version = record.versions.order_by("-number").first()
    if version is None:
        raise Conflict("The record has not been authorised yet")
    return version


def _referrer(discussion: Discussion) -> tuple[str, str, bool]:
    """The referrer's name, email and whether they are outside the partnership's agencies."""
    referral = discussion.referral
    agency = referral.referrer_agency
    email = referral.referrer_email or (agency.email if agency else "")
    name = referral.referrer_name or (agency.name if agency else "the referrer")
    return name, email, agency is None


def _queue(
    version: RecordVersion,
    *,
    kind: str,
    professional: Professional | None,
    recipient: str,
    email: str,
    family_safe: bool,
    by: Professional,
    now: datetime,
    agency: Agency | None = None,
) -> DistributionLog:
    return DistributionLog.objects.create(
        version=version,
        kind=kind,
        professional=professional,
        agency=agency,
        recipient=recipient,
        email=email,
        family_safe=family_safe,
        outcome=DistributionLog.Outcome.QUEUED if email else DistributionLog.Outcome.NO_ADDRESS,
        queued_at=now,
        by=by,
    )


def _meet(discussion: Discussion, kind: ClockKind, *, at: datetime, by: Professional) -> None:
    for clock in clocks_open_for(subject=discussion):
        if clock.kind == kind:
            clock_meet(clock=clock, at=max(at, clock.started_at), by=by)


@transaction.atomic
def record_distribute(
    *,
    record: Record,
    by: Professional,
    now: datetime,
    agencies: Sequence[Agency] = (),
    request: HttpRequest | None = None,
) -> list[DistributionLog]:
    """Send the authorised version to every attendee (R002.8) and the outcome to the referrer,
    to the agencies invited but absent and to the relevant ``agencies`` the chair adds that
    were not invited (R002.9); meet the distribution clock at ``now``.

    The emails are decided here, through the outbox (``convene.records.outbox``),
    so a failed transaction sends nothing; the "outcome notified" clock is met
    when the last outcome notice has actually gone, or someone records how they
    told that person (``convene.records.told``). A corrected version goes to the
    attendees again; the outcome goes again only when the decision changed.
    """
    _aware(now, "now")
    record = _lock(record)
    discussion = record.discussion
    if not may_chair(by, discussion):
        raise NotAllowed("Only the chair or a manager who may chair can distribute the record")
    version = _latest(record)
    if version.distributed_at is not None or discussion.state != State.AUTHORISED:
        raise Conflict(f"Version {version.number} has already been distributed")
    added = distribution_agencies_check(discussion=discussion, agencies=agencies)
    logs: list[DistributionLog] = []
    attendance = list(version.attendance.select_related("professional"))
    for row in attendance:
        if row.status == "attended":
            logs.append(
                _queue(
                    version,
                    kind=DistributionLog.Kind.RECORD,
                    professional=row.professional,
                    recipient=row.name,
                    email=row.professional.email,
                    family_safe=False,
                    by=by,
                    now=now,
                )
            )
    earlier = (
        RecordVersion.objects.filter(record=record, distributed_at__isnull=False)
        .order_by("-number")
        .first()
    )
    tell_outcome = earlier is None or earlier.decision != version.decision
    if tell_outcome:
        name, email, outside = _referrer(discussion)
        logs.append(
            _queue(
                version,
                kind=DistributionLog.Kind.OUTCOME,
                professional=None,
                recipient=name,
                email=email,
                family_safe=outside,
                by=by,
                now=now,
            )
        )
        for row in attendance:
            if row.status != "attended":
                logs.append(
                    _queue(
                        version,
                        kind=DistributionLog.Kind.OUTCOME,
                        professional=row.professional,
                        recipient=row.name,
                        email=row.professional.email,
                        family_safe=False,
                        by=by,
                        now=now,
                    )
                )
    for agency in added:
        logs.append(
            _queue(
                version,
                kind=DistributionLog.Kind.OUTCOME,
                professional=None,
                agency=agency,
                recipient=agency.name,
                email=agency.email,
                family_safe=False,
                by=by,
                now=now,
            )
        )
    updated = RecordVersion.objects.filter(pk=version.pk, distributed_at__isnull=True).update(
        distributed_at=now, distributed_by=by
    )
    if updated != 1:
        raise Conflict(f"Version {version.number} has already been distributed")
    _meet(discussion, ClockKind.RECORD_DISTRIBUTED, at=now, by=by)
    discussion_transition(discussion=discussion, to=State.DISTRIBUTED, by=by, at=now)
    _event(
        record,
        action="distributed",
        from_state=State.AUTHORISED,
        to_state=State.DISTRIBUTED,
        by=by,
        at=now,
        version_number=version.number,
    )
    records_sent = sum(1 for log in logs if log.kind == DistributionLog.Kind.RECORD)
    outcomes_sent = len(logs) - records_sent
    _audit(
        record,
        obj=version,
        action=AuditAction.EXPORT,
        summary=f"Distributed version {version.number}: the record to {records_sent} "
        f"{'attendee' if records_sent == 1 else 'attendees'}, the outcome to {outcomes_sent} "
        f"{'other' if outcomes_sent == 1 else 'others'}",
        by=by,
        request=request,
    )
    distribution_decide(logs=logs, version=version, now=now)
    return logs


# --- confirmation and correction ---------------------------------------------------------


def _attendees(version: RecordVersion) -> set[int]:
    return set(
        version.attendance.filter(status="attended").values_list("professional_id", flat=True)
    )


def _to_confirm(version: RecordVersion) -> set[int]:
    """Who must confirm: every attendee but the chair and the authoriser, who made the record."""
    chair = version.record.discussion.chair_id
    return _attendees(version) - {chair, version.authorised_by_id}


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
        discussion_transition(discussion=discussion, to=State.CONFIRMED, by=by, at=now)
        _event(
            record,
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
    request: HttpRequest | None = None,
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
        request=request,
    )
    return confirmation


@transaction.atomic
def confirmation_resolve(
    *,
    confirmation: Confirmation,
    note: str,
    by: Professional,
    now: datetime,
    request: HttpRequest | None = None,
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
        request=request,
    )
    return confirmation


@transaction.atomic
def record_correction_start(
    *,
    record: Record,
    note: str,
    by: Professional,
    now: datetime,
    request: HttpRequest | None = None,
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
        request=request,
    )
    return record
