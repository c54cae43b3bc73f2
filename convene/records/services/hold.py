"""Holding a discussion: the record opens, the distribution clocks start (R002.8, R002.9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.clocks.models import Clock
from convene.clocks.services import clock_meet, clock_start, clocks_open_for
from convene.core.dates import govuk_datetime
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.discussions.models import Discussion, Invitation
from convene.people.models import Professional
from convene.policy import engine
from convene.policy.facts import CaseFacts
from convene.policy.pack import PolicyPack
from convene.policy.vocab import ClockKind, RecordSection, StartEvent
from convene.records import sections
from convene.records.models import (
    Record,
)
from convene.records.policy import (
    discussion_facts,
    discussion_pack,
    may_chair,
)
from convene.records.prefill import contributions_for
from convene.records.reconvened import meet_planned_reconvene
from convene.records.services._common import (
    AT_HOLD,
    State,
    _audit,
    _aware,
    _move,
    _person_label,
    _write_entry,
)

# --- holding the discussion -------------------------------------------------------------


def _distribution_text(pack: PolicyPack, facts: CaseFacts, held_at: datetime) -> str:
    found = [
        d
        for d in engine.deadlines(pack, facts, events={StartEvent.DISCUSSION_HELD: held_at})
        if d.clock == ClockKind.RECORD_DISTRIBUTED and d.governing
    ]
    if not found:  # R001.8: circulated as soon as practicable to all parties
        return "As soon as practicable to everyone who took part"
    # Plain words (issue 18): the rule behind it is the clock's citation, shown behind "Why?".
    deadline = found[0]
    due = govuk_datetime(deadline.due_at)
    return f"To everyone who attended by {due} ({deadline.summary.lower()})"


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
    context: AuditContext | None = None,
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
    contributions = contributions_for(discussion)
    if contributions:
        _write_entry(
            record,
            RecordSection.INFORMATION_SHARED,
            sections.parse_content(
                RecordSection.INFORMATION_SHARED, {"contributions": contributions}
            ),
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
    _move(
        record,
        discussion,
        action="held",
        from_state=State.SCHEDULED,
        to_state=State.HELD,
        by=by,
        at=now,
    )
    _audit(
        record,
        action=AuditAction.CREATE,
        summary="Marked the discussion held and opened its record",
        by=by,
        context=context,
    )
    return record
