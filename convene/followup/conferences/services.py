"""The Initial Child Protection Conference: requested (by a S47 outcome), confirmed with the Head
of Service (R001.14), then convened by the Reviewing Service (R001.14: a role granted to a
professional; the partnership's social workers and managers may act for it): date set, held.
Held on or before the discussion's ``icpc`` clock, 15 working days from the discussion that
decided the S47 (R002.12), it is met; after, met late."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial

from django.db import transaction

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.clocks.models import Clock
from convene.clocks.services import clock_meet
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.core.versions import locked_for_change, save_as_next_version
from convene.followup.census import check_icpc_after_start, check_icpc_day
from convene.followup.conferences.selectors import icpc_clock
from convene.followup.models import Icpc
from convene.followup.roles import arranges_conference, is_head_of_service
from convene.followup.vocab import IcpcState
from convene.people.models import Professional
from convene.workdays import LONDON, london_date

__all__ = ["icpc_confirm", "icpc_held", "icpc_outcome_record", "icpc_set_date"]


def _for_change(
    icpc: Icpc,
    *,
    check: Callable[[], None],
    now: datetime,
    expected_version: int | None = None,
    moments: Mapping[str, datetime] | None = None,
) -> Icpc:
    """The conference, locked for a change ``check`` allows (``core.versions``)."""
    return locked_for_change(
        icpc,
        check=check,
        now=now,
        expected_version=expected_version,
        noun="conference",
        related=("discussion",),
        moments=moments,
    )


def _check_head(by: Professional, icpc: Icpc) -> None:
    if not is_head_of_service(user=by, partnership=icpc.partnership_id):
        raise NotAllowed("Only the Head of Service confirms an initial child protection conference")


def _audit(icpc: Icpc, by: Professional, summary: str) -> None:
    audit_record_children(
        actor=by,
        action=AuditAction.CHANGE,
        obj=icpc,
        summary=f"{summary} (initial child protection conference {icpc.reference})",
        children=[e.child for e in icpc.enquiries.select_related("child")],
    )


def _check_census(icpc: Icpc, moment: datetime, field: str) -> None:
    """The census rules on the conference's date (convene.followup.census): a weekday, and not
    before the strategy discussion that started the S47 enquiry."""
    day = london_date(moment)
    check_icpc_day(day, field=field)
    check_icpc_after_start(
        day, s47_started_on=london_date(icpc.discussion.record.held_at), field=field
    )


def _check_worker(by: Professional, icpc: Icpc) -> None:
    if not arranges_conference(user=by, partnership=icpc.partnership_id):
        raise NotAllowed(
            "Only the Reviewing Service, or a social worker or manager of the partnership's "
            "children's social care, arranges the conference"
        )


@transaction.atomic
def icpc_confirm(
    *,
    icpc: Icpc,
    note: str = "",
    by: Professional,
    now: datetime,
    expected_version: int | None = None,
) -> Icpc:
    """R001.14: the conference is confirmed with the Head of Service, who records it."""
    icpc = _for_change(
        icpc, check=lambda: _check_head(by, icpc), now=now, expected_version=expected_version
    )
    if icpc.state != IcpcState.REQUESTED:
        raise Conflict(f"This conference was already confirmed by {icpc.confirmed_by}")
    icpc.state = IcpcState.CONFIRMED.value
    icpc.confirmed_at = now
    icpc.confirmed_by = by
    icpc.confirmation_note = note.strip()
    save_as_next_version(
        icpc, by=by, fields=["state", "confirmed_at", "confirmed_by", "confirmation_note"]
    )
    _audit(icpc, by, "Confirmed with the Head of Service")
    return icpc


@transaction.atomic
def icpc_set_date(
    *,
    icpc: Icpc,
    conference_at: datetime,
    venue: str,
    late_reason: str = "",
    by: Professional,
    now: datetime,
    expected_version: int | None = None,
) -> Icpc:
    """Set (or move) the date. A date after the 15-working-day deadline (R002.12) needs the
    reason it cannot be sooner: the clock will show it as late either way."""
    icpc = _for_change(
        icpc,
        check=lambda: _check_worker(by, icpc),
        now=now,
        expected_version=expected_version,
        moments={"conference_at": conference_at},
    )
    if icpc.state == IcpcState.REQUESTED:
        raise Conflict("Confirm the conference with the Head of Service before setting the date")
    if icpc.state == IcpcState.HELD:
        raise Conflict("This conference has been held")
    if conference_at < now:
        raise Invalid("The conference must be in the future", field="conference_at")
    _check_census(icpc, conference_at, "conference_at")
    if not venue.strip():
        raise Invalid("Enter where the conference will be held", field="venue")
    clock = icpc_clock(icpc=icpc)
    late_reason = late_reason.strip()
    late = clock is not None and conference_at > clock.due_at
    if late and not late_reason:
        due = clock.due_at.astimezone(LONDON) if clock else now
        raise Invalid(
            f"The conference is due by {due:%A} {due.day} {due:%B %Y} (15 working days from the "
            "strategy discussion, R002.12): give the reason it cannot be held by then",
            field="late_reason",
        )
    icpc.conference_at = conference_at
    icpc.venue = venue.strip()
    icpc.late_reason = late_reason if late else ""
    icpc.state = IcpcState.DATE_SET.value
    save_as_next_version(icpc, by=by, fields=["conference_at", "venue", "late_reason", "state"])
    _audit(icpc, by, "Set the date")
    return icpc


@transaction.atomic
def icpc_held(
    *,
    icpc: Icpc,
    held_at: datetime,
    by: Professional,
    now: datetime,
    expected_version: int | None = None,
) -> Icpc:
    """The conference took place: the ICPC clock is met at ``held_at``, late if after it was due."""
    icpc = _for_change(
        icpc,
        check=lambda: _check_worker(by, icpc),
        now=now,
        expected_version=expected_version,
        moments={"held_at": held_at},
    )
    if icpc.state == IcpcState.HELD:
        raise Conflict("This conference has already been recorded as held")
    if icpc.state != IcpcState.DATE_SET:
        raise Conflict("Set the date of the conference first")
    if held_at > now:
        raise Invalid("The conference cannot be recorded before it is held", field="held_at")
    if held_at < icpc.requested_at:
        raise Invalid("The conference must be after it was requested", field="held_at")
    _check_census(icpc, held_at, "held_at")
    icpc.state = IcpcState.HELD.value
    icpc.held_at = held_at
    icpc.held_recorded_by = by
    save_as_next_version(icpc, by=by, fields=["state", "held_at", "held_recorded_by"])
    _audit(icpc, by, "Recorded as held")
    clock = icpc_clock(icpc=icpc)
    if clock is not None and clock.state in {Clock.State.PENDING, Clock.State.BREACHED}:
        clock_meet(clock=clock, at=max(held_at, clock.started_at), by=by)
    return icpc


@transaction.atomic
def icpc_outcome_record(
    *,
    icpc: Icpc,
    plans: Mapping[int, bool],
    by: Professional,
    now: datetime,
    expected_version: int | None = None,
) -> Icpc:
    """The conference's outcome for each child it was about: a child protection plan or not
    (``plans``: enquiry id → plan). Every child is answered at once, so a conference never has
    half an outcome; recording it again corrects it (the audit log keeps both)."""
    # Who may is asked before what was sent, as on every conference change.
    icpc = _for_change(
        icpc, check=partial(_check_worker, by, icpc), now=now, expected_version=expected_version
    )
    if icpc.state != IcpcState.HELD:
        raise Conflict("Record the conference as held before its outcome")
    enquiries = list(icpc.enquiries.select_related("child").order_by("pk"))
    unknown = set(plans) - {e.pk for e in enquiries}
    if unknown:
        raise Invalid(
            f"Enquiry {min(unknown)} was not considered at this conference", field="plans"
        )
    for enquiry in enquiries:
        if enquiry.pk not in plans:
            raise Invalid(
                f"Select whether {enquiry.child.full_name} is on a child protection plan",
                field=f"plan_{enquiry.pk}",
            )
    for enquiry in enquiries:
        enquiry.cp_plan = plans[enquiry.pk]
        save_as_next_version(enquiry, by=by, fields=["cp_plan"])
    save_as_next_version(icpc, by=by, fields=[])
    on_plan = sum(plans[e.pk] for e in enquiries)
    _audit(
        icpc,
        by,
        f"Recorded the outcome: {on_plan} of {len(enquiries)} "
        f"{'child' if len(enquiries) == 1 else 'children'} on a child protection plan",
    )
    return icpc
