"""Told means told (R002.9): the "outcome notified" clock is met only when everyone was told.

At distribution the outcome notice goes to the referrer, to the agencies invited
but absent, and to any relevant agency the chair adds that was not invited. Each
is told when its email has actually left (the outbox recorded it sent) or when
someone records how, when and by whom they were told another way (phone, secure
email, in person). Until every one of them is told the clock stays pending (and
breaches, and escalates, as any clock); a notice that cannot be sent (no
address, the email failed, they may no longer see it) shows on the chair's page
with "Record how you told them".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.clocks.services import clock_meet, clocks_open_for
from convene.core.errors import Conflict, Invalid, NotAllowed, required_text
from convene.discussions.models import Discussion, Invitation
from convene.people.models import Agency, Professional
from convene.policy.vocab import ClockKind
from convene.records.models import DistributionLog
from convene.records.policy import may_chair
from convene.reminders.models import Delivery

__all__ = [
    "TOLD",
    "distribution_agencies_check",
    "distribution_agency_options",
    "outcome_clock_settle",
    "outcome_notices",
    "outcome_told_record",
    "outcome_untold",
]

TOLD = (DistributionLog.Outcome.SENT, DistributionLog.Outcome.TOLD)
_MAX_TOLD_BY = 200


def distribution_agency_options(*, discussion: Discussion) -> QuerySet[Agency]:
    """The partnership's agencies nobody from which was invited: the chair may add them."""
    invited = Invitation.objects.filter(discussion=discussion).values("professional__agency_id")
    return discussion.partnership.agencies.exclude(pk__in=invited).order_by("name")


def distribution_agencies_check(
    *, discussion: Discussion, agencies: Iterable[Agency]
) -> list[Agency]:
    """The agencies to add at distribution, each once; refuse any the chair may not add."""
    chosen = list({agency.pk: agency for agency in agencies}.values())
    allowed = set(distribution_agency_options(discussion=discussion).values_list("pk", flat=True))
    if any(agency.pk not in allowed for agency in chosen):
        raise Invalid(
            "Select only agencies of this partnership that were not invited", field="agencies"
        )
    return chosen


def outcome_notices(*, discussion: Discussion) -> QuerySet[DistributionLog]:
    """The outcome notices of the latest version that told the outcome."""
    latest = (
        DistributionLog.objects.filter(
            version__record__discussion=discussion, kind=DistributionLog.Kind.OUTCOME
        )
        .order_by("-version__number")
        .values_list("version_id", flat=True)
        .first()
    )
    return DistributionLog.objects.filter(version_id=latest, kind=DistributionLog.Kind.OUTCOME)


def outcome_untold(*, discussion: Discussion) -> QuerySet[DistributionLog]:
    """Those not yet told: no email has left and nobody has recorded telling them."""
    return outcome_notices(discussion=discussion).exclude(outcome__in=TOLD)


def outcome_clock_settle(*, discussion: Discussion, by: Professional | None) -> bool:
    """Meet the "outcome notified" clock once everyone was told, at the moment the last was.

    Runs in the caller's transaction (the outbox recording an email sent, or a
    person recording how they told someone). Says whether it met the clock."""
    notices = list(outcome_notices(discussion=discussion))
    if not notices or any(log.outcome not in TOLD for log in notices):
        return False
    moments = [log.sent_at or log.told_at for log in notices]
    at = max(moment for moment in moments if moment is not None)
    met = False
    for clock in clocks_open_for(subject=discussion):
        if clock.kind == ClockKind.OUTCOME_NOTIFIED:
            clock_meet(clock=clock, at=max(at, clock.started_at), by=by)
            met = True
    return met


@transaction.atomic
def outcome_told_record(
    *,
    log: DistributionLog,
    how: str,
    told_at: datetime,
    told_by: str,
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> DistributionLog:
    """Record how, when and by whom an outcome notice's recipient was told another way."""
    log = (
        DistributionLog.objects.select_for_update()
        .select_related("version__record__discussion")
        .get(pk=log.pk)
    )
    discussion = log.version.record.discussion
    if not may_chair(by, discussion):
        raise NotAllowed("Only the chair or a manager who may chair records how people were told")
    if log.kind != DistributionLog.Kind.OUTCOME:
        raise Invalid("Only an outcome notice can be recorded as told another way")
    if log.outcome in TOLD:
        raise Conflict(f"{log.recipient} has already been told ({log.get_outcome_display()})")
    if how not in DistributionLog.ToldHow.values:
        raise Invalid("Select how you told them", field="how")
    if told_at.tzinfo is None or told_at.utcoffset() is None:
        raise Invalid("Enter when you told them", field="told_at")
    if told_at > now:
        raise Invalid("The time you told them must be in the past", field="told_at")
    told_by = required_text(
        told_by,
        field="told_by",
        max_length=_MAX_TOLD_BY,
        missing="Enter who told them",
        too_long=f"Who told them must be {_MAX_TOLD_BY} characters or fewer",
    )
    DistributionLog.objects.filter(pk=log.pk).update(
        outcome=DistributionLog.Outcome.TOLD,
        told_how=how,
        told_at=told_at,
        told_by=told_by,
        told_recorded_by=by,
    )
    # An email still waiting (or given up) for them is not wanted any more.
    Delivery.objects.filter(
        Q(state=Delivery.State.PENDING) | Q(state=Delivery.State.FAILED),
        source_type__app_label="records",
        source_type__model="distributionlog",
        source_id=log.pk,
    ).update(
        state=Delivery.State.WITHDRAWN,
        failed_at=None,
        next_attempt_at=None,
        last_error="They were told another way",
    )
    log.refresh_from_db()
    audit_record_children(
        actor=by,
        action=Action.CHANGE,
        obj=log.version,
        children=discussion.children.all(),
        summary=f"Recorded that {log.recipient} was told the outcome "
        f"{log.get_told_how_display().lower()} by {told_by} "
        f"(record of {discussion.reference})",
        context=context,
    )
    outcome_clock_settle(discussion=discussion, by=by)
    return log
