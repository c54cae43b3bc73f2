"""What the S47 steps share: who may act, the locked enquiry, the discussion's clocks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

from convene.clocks.deadlines import clock_start_for_deadline, governing_deadline
from convene.clocks.models import Clock
from convene.clocks.services import clock_meet
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.core.versions import locked_for_change, save_as_next_version
from convene.discussions.models import Discussion
from convene.followup.enquiries.selectors import discussion_clocks
from convene.followup.models import S47Enquiry
from convene.followup.roles import manages_cases, works_cases
from convene.followup.vocab import Route, S47State
from convene.people.models import Child, Professional
from convene.policy.vocab import ClockKind, Decision, Pathway, StartEvent
from convene.records.models import RecordVersion
from convene.referrals.policy import case_policy
from convene.workdays import london_date

State = S47State
DECIDED = (
    Discussion.State.AUTHORISED,
    Discussion.State.DISTRIBUTED,
    Discussion.State.CONFIRMED,
)


# --- helpers -----------------------------------------------------------------------------


def check_worker(by: Professional, enquiry: S47Enquiry) -> None:
    if not works_cases(user=by, partnership=enquiry.partnership_id):
        raise NotAllowed(
            "Only a social worker or manager of the partnership's children's social care "
            "carries out S47 enquiries"
        )


def check_manager(by: Professional, enquiry: S47Enquiry, what: str) -> None:
    if not manages_cases(user=by, partnership=enquiry.partnership_id):
        raise NotAllowed(
            f"Only a social care manager (deputy team manager, team manager or head of "
            f"service) {what}"
        )


def for_change(
    enquiry: S47Enquiry,
    *,
    check: Callable[[], None],
    now: datetime,
    expected_version: int | None = None,
    moments: Mapping[str, datetime] | None = None,
) -> S47Enquiry:
    """The enquiry, locked for a change ``check`` allows (``core.versions.locked_for_change``)."""
    return locked_for_change(
        enquiry,
        check=check,
        now=now,
        expected_version=expected_version,
        noun="S47 enquiry",
        related=("discussion", "child", "record_version__record"),
        moments=moments,
    )


def save(enquiry: S47Enquiry, by: Professional, fields: Sequence[str]) -> None:
    save_as_next_version(enquiry, by=by, fields=fields)


def decided_at(enquiry_or_version: S47Enquiry | RecordVersion) -> datetime:
    """When the discussion that decided the S47 was held: the `s47_decided` event (R002.12)."""
    version = (
        enquiry_or_version.record_version
        if isinstance(enquiry_or_version, S47Enquiry)
        else enquiry_or_version
    )
    return version.record.held_at


def clock_for(
    *,
    discussion: Discussion,
    kind: ClockKind,
    children: Sequence[Child],
    decision: Decision,
    decided_at: datetime,
    by: Professional,
) -> Clock | None:
    """The discussion's clock of ``kind`` (the record's), or one started now if it has none.

    Facts are the children's own (a child in need among siblings in care still gets
    the ICPC timescale, R000.2a), built by the referral's one facts builder.
    """
    existing = discussion_clocks(discussion=discussion, kinds=[kind])
    if existing:
        return existing[0]
    pack, facts = case_policy(discussion.referral, list(children), pathway=Pathway(discussion.kind))
    facts = dataclasses.replace(facts, decision=decision)
    deadline = governing_deadline(
        pack=pack, facts=facts, kind=kind, events={StartEvent.S47_DECIDED: decided_at}
    )
    if deadline is None:
        return None
    return clock_start_for_deadline(
        partnership=discussion.partnership,
        subject=discussion,
        deadline=deadline,
        pack=pack,
        started_at=decided_at,
        by=by,
    )


def meet(clock: Clock | None, *, at: datetime, by: Professional) -> None:
    if clock is not None and clock.state in {Clock.State.PENDING, Clock.State.BREACHED}:
        clock_meet(clock=clock, at=max(at, clock.started_at), by=by)


def on_route(enquiry: S47Enquiry, route: Route) -> None:
    if enquiry.state != State.OUTCOME_RECORDED or enquiry.route != route:
        raise Conflict(
            "This step follows a S47 outcome of continuing risk for a child "
            + {
                Route.ICPC: "in need",
                Route.CORE_GROUP_REVIEW: "on a child protection plan",
                Route.CARE_PLAN_REVIEW: "in care",
            }[route]
        )


def check_day(day: date, enquiry: S47Enquiry, now: datetime, field: str) -> None:
    if day > london_date(now):
        raise Invalid("The date cannot be in the future", field=field)
    if day < london_date(decided_at(enquiry)):
        raise Invalid("The date must be after the strategy discussion", field=field)
