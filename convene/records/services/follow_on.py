"""The clocks an authorised record starts: follow-on meetings, visits and actions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType

from convene.clocks.models import Clock
from convene.clocks.services import clock_waive, clocks_open_for
from convene.discussions.models import Discussion
from convene.people.models import Professional
from convene.people.vocab import LegalStatus
from convene.policy import engine
from convene.policy.facts import CaseFacts
from convene.policy.pack import PolicyPack
from convene.policy.vocab import ClockKind, Decision, RecordSection, StartEvent
from convene.records import sections
from convene.records.due import action_due_by
from convene.records.models import (
    Action,
    Record,
    RecordVersion,
)
from convene.records.owning import owner_columns
from convene.records.per_child import children_facts, children_in_care, follow_on_deadlines
from convene.records.policy import (
    date_event,
)
from convene.records.services._common import FOLLOW_ON
from convene.records.services.draft import _resolve_owner
from convene.records.services.hold import _start_deadline

# --- authorising -------------------------------------------------------------------------


def _owner_fields(record: Record, item: Mapping[str, Any]) -> dict[str, Any]:
    """The owner and the agency whose work it is, set together (``records.owning``)."""
    return owner_columns(_resolve_owner(record.discussion, dict(item)))


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
    record: Record,
    action: Action,
    deadline: engine.Deadline | None,
    pack: PolicyPack,
    by: Professional,
) -> None:
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
        deadline = _action_deadline(pack, facts, fields["due_on"])
        # When it is overdue from, decided here with the clock it starts (one place).
        due_by = action_due_by(
            due_on=fields["due_on"], clock_due_at=deadline.due_at if deadline else None
        )
        action = existing.get(key)
        if action is None:
            action = Action.objects.create(
                record=record,
                partnership_id=record.discussion.partnership_id,  # records.owning
                discussion_id=record.discussion_id,  # records.owning
                key=key,
                introduced_in=version,
                changed_in=version,
                created_by=by,
                modified_by=by,
                due_by=due_by,
                **fields,
            )
            _start_action_clock(record, action, deadline, pack, by)
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
        if due_changed or reopened:
            action.due_by = due_by
        action.save()
        if (due_changed or reopened) and action.status == Action.Status.OPEN:
            _waive_all(
                action,
                [ClockKind.ACTION_DUE],
                reason=f"Due date changed in record version {version.number}",
                by=by,
                at=now,
            )
            _start_action_clock(record, action, deadline, pack, by)
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
