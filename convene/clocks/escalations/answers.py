"""The addressed side answers an escalation: acknowledges it, then resolves it with an
outcome. The raiser is told of each.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.clocks.escalations.errors import EscalationError
from convene.clocks.escalations.notices import (
    NOTICE_ACKNOWLEDGED,
    NOTICE_RESOLVED,
    _audit,
    _notify,
    _send_soon,
)
from convene.clocks.models import Escalation, EscalationAddressee, EscalationAgency
from convene.clocks.selectors import (
    escalation_may_act,
)
from convene.core.errors import require_aware
from convene.people.models import Professional


def _locked(escalation: Escalation) -> Escalation:
    return Escalation.objects.select_for_update().get(pk=escalation.pk)


def _raiser(escalation: Escalation, *, but_not: Professional) -> list[Professional]:
    raiser = escalation.raised_by
    return [raiser] if raiser is not None and raiser.pk != but_not.pk else []


@transaction.atomic
def escalation_acknowledge(
    *,
    escalation: Escalation,
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> Escalation:
    """The addressed side has seen it and is dealing with it."""
    require_aware(now, "now", error=EscalationError)
    escalation = _locked(escalation)
    if not escalation_may_act(user=by, escalation=escalation):
        raise EscalationError("You cannot acknowledge this escalation")
    if escalation.state != Escalation.State.RAISED:
        raise EscalationError("This escalation has already been acknowledged")
    escalation.state = Escalation.State.ACKNOWLEDGED
    escalation.acknowledged_at = max(now, escalation.raised_at)
    escalation.acknowledged_by = by
    escalation.modified_by = by
    escalation.save(
        update_fields=["state", "acknowledged_at", "acknowledged_by", "modified_by", "modified_at"]
    )
    _audit(escalation, action=Action.CHANGE, summary="Acknowledged", by=by, context=context)
    _notify(
        escalation,
        kind=NOTICE_ACKNOWLEDGED,
        professionals=_raiser(escalation, but_not=by),
        subject="Your escalation has been acknowledged",
        body=f"{by} ({by.agency}) has acknowledged the escalation you raised.",
        now=now,
    )
    _send_soon()
    return escalation


@transaction.atomic
def escalation_resolve(
    *,
    escalation: Escalation,
    by: Professional,
    outcome: str,
    now: datetime,
    context: AuditContext | None = None,
) -> Escalation:
    """Close it with the outcome agreed; acknowledges it too if nobody had yet."""
    require_aware(now, "now", error=EscalationError)
    outcome = outcome.strip()
    if not outcome:
        raise EscalationError("Enter the outcome of the escalation", field="outcome")
    escalation = _locked(escalation)
    if not escalation_may_act(user=by, escalation=escalation):
        raise EscalationError("You cannot resolve this escalation")
    if escalation.state == Escalation.State.RESOLVED:
        raise EscalationError("This escalation has already been resolved")
    when = max(now, escalation.raised_at)
    fields = ["state", "resolved_at", "resolved_by", "outcome", "modified_by", "modified_at"]
    if escalation.state == Escalation.State.RAISED:
        escalation.acknowledged_at = when
        escalation.acknowledged_by = by
        fields += ["acknowledged_at", "acknowledged_by"]
    assert escalation.acknowledged_at is not None
    escalation.state = Escalation.State.RESOLVED
    escalation.resolved_at = max(when, escalation.acknowledged_at)
    escalation.resolved_by = by
    escalation.outcome = outcome
    escalation.modified_by = by
    escalation.save(update_fields=fields)
    # No longer to answer: off the partial indexes My work lists the open ones by.
    for link in (EscalationAddressee, EscalationAgency):
        link.objects.filter(escalation=escalation).update(still_open=False)
    _audit(
        escalation,
        action=Action.CHANGE,
        summary="Resolved with the outcome recorded",
        by=by,
        context=context,
    )
    _notify(
        escalation,
        kind=NOTICE_RESOLVED,
        professionals=_raiser(escalation, but_not=by),
        subject="Your escalation has been resolved",
        body=f"{by} ({by.agency}) has resolved the escalation you raised and recorded the outcome.",
        now=now,
    )
    _send_soon()
    return escalation
