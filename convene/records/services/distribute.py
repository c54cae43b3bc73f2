"""Distributing an authorised version to the attendees and the agencies told."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.clocks.services import clock_meet, clocks_open_for
from convene.core.errors import Conflict, NotAllowed
from convene.discussions.models import Discussion
from convene.people.models import Agency, Professional
from convene.policy.vocab import ClockKind
from convene.records.awaiting import store_awaiting
from convene.records.models import (
    DistributionLog,
    Record,
    RecordVersion,
)
from convene.records.outbox import distribution_decide
from convene.records.policy import (
    may_chair,
)
from convene.records.services._common import State, _audit, _aware, _lock, _move
from convene.records.told import distribution_agencies_check

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
    context: AuditContext | None = None,
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
    store_awaiting(Q(version=version))
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
    store_awaiting(Q(version=version))
    _meet(discussion, ClockKind.RECORD_DISTRIBUTED, at=now, by=by)
    _move(
        record,
        discussion,
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
        context=context,
    )
    distribution_decide(logs=logs, version=version, now=now)
    return logs
