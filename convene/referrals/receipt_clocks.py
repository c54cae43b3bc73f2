"""Every referral is on a clock from the moment it is received (R002.2, R004.1).

* A concern whose governing convene-by timescale is same day (or in hours) and
  runs from receipt starts its **convene** clock when it is recorded, whether
  or not a manager has triaged it: immediate risk never waits for triage.
* Every other concern starts a **triage** clock: how long it may wait for a
  manager's decision on the pathway (the pack's ``triage`` timescale; the
  England baseline's is a Convene default, not statutory).

Both are ordinary clocks, so the sweep breaches them, escalates them by the
pack's escalation rules and reminds the partnership's managers, and My work
shows them. Accepting or overriding the recommendation meets the triage clock;
a convene clock already running keeps its start (receipt).

Services call these inside their own transaction; nothing here checks who may
act, which the calling service has done.
"""

from __future__ import annotations

from datetime import datetime

from convene.clocks.deadlines import clock_start_for_deadline, clocks_open_of
from convene.clocks.models import Clock
from convene.clocks.services import clock_meet, clock_waive
from convene.people.models import Professional
from convene.policy.engine import Deadline
from convene.policy.explanation import Explanation
from convene.policy.pack import PolicyPack
from convene.policy.vocab import ClockKind, Pathway, StartEvent
from convene.referrals.models import Referral
from convene.workdays import Unit

# The clocks a referral is on from receipt until it is convened: the triage queue orders
# by the soonest open one (``Referral.receipt_due_at``, kept by the clock services).
RECEIPT_CLOCKS = (ClockKind.CONVENE, ClockKind.TRIAGE)

__all__ = [
    "RECEIPT_CLOCKS",
    "URGENT_UNITS",
    "clocks_at_decision",
    "clocks_from_receipt",
    "governing",
    "runs_from_receipt",
]

# Timescales that run from receipt whatever the state of the triage.
URGENT_UNITS = frozenset({Unit.SAME_DAY, Unit.HOURS})
_RECEIPT_KINDS = (ClockKind.CONVENE, ClockKind.TRIAGE)


def governing(explanation: Explanation, kind: ClockKind) -> Deadline | None:
    return next((d for d in explanation.deadlines if d.clock == kind and d.governing), None)


def runs_from_receipt(explanation: Explanation) -> Deadline | None:
    """The urgent convene-by deadline that runs from receipt, if the pathway convenes."""
    pathway = explanation.pathway
    deadline = governing(explanation, ClockKind.CONVENE)
    if pathway is None or not pathway.convenes_strategy_discussion or deadline is None:
        return None
    urgent = deadline.unit in URGENT_UNITS
    return deadline if urgent and deadline.start_event == StartEvent.REFERRAL_RECEIVED else None


def _start(
    referral: Referral, pack: PolicyPack, deadline: Deadline, by: Professional | None
) -> Clock:
    # A receipt deadline runs from its own start, which is never after its due time.
    return clock_start_for_deadline(
        partnership=referral.partnership,
        subject=referral,
        deadline=deadline,
        pack=pack,
        started_at=deadline.started_at,
        by=by,
    )


def _same(clock: Clock, deadline: Deadline) -> bool:
    return clock.kind == deadline.clock and clock.rule_id == deadline.rule_id


def clocks_from_receipt(
    *,
    referral: Referral,
    pack: PolicyPack,
    explanation: Explanation,
    by: Professional,
    now: datetime,
) -> Clock | None:
    """Before the decision: run the urgent convene clock, else the triage clock.

    Called when the referral is recorded and whenever its answers are corrected
    before the decision; a clock that no longer applies is waived with why.
    """
    wanted = runs_from_receipt(explanation) or governing(explanation, ClockKind.TRIAGE)
    kept = None
    for clock in clocks_open_of(referral, _RECEIPT_KINDS):
        if wanted is not None and kept is None and _same(clock, wanted):
            kept = clock
            continue
        clock_waive(
            clock=clock,
            reason="The concern's answers were corrected: this timescale no longer applies",
            at=now,
            by=by,
        )
    if kept is None and wanted is not None:
        kept = _start(referral, pack, wanted, by)
    return kept


def clocks_at_decision(
    *,
    referral: Referral,
    pack: PolicyPack,
    explanation: Explanation,
    pathway: Pathway,
    by: Professional,
    now: datetime,
) -> None:
    """The pathway is decided: the triage clock is met, the convene clock runs or is waived.

    A convene clock already running from receipt under the same rule keeps its
    start; under another rule it is replaced. When nothing is to be convened,
    an open convene clock is waived with the reason the referral closes.
    """
    for clock in clocks_open_of(referral, [ClockKind.TRIAGE]):
        clock_meet(clock=clock, at=now, by=by)
    running = clocks_open_of(referral, [ClockKind.CONVENE])
    deadline = governing(explanation, ClockKind.CONVENE)
    if not pathway.convenes_strategy_discussion or deadline is None:
        why = referral.override_reason or referral.closed_reason or "No strategy discussion"
        for clock in running:
            clock_waive(clock=clock, reason=why, at=now, by=by)
        return
    if any(_same(clock, deadline) for clock in running):
        return
    for clock in running:
        clock_waive(
            clock=clock,
            reason=f"Pathway decided at triage: {deadline.rule_id} now governs",
            at=now,
            by=by,
        )
    _start(referral, pack, deadline, by)
