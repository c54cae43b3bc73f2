"""What an escalation writes besides itself: its audit entries and its notices.

Notices (in-app and email) are decided in the caller's transaction through the
outbox (:func:`convene.reminders.services.deliveries_decide`). Emails carry no
names and no text typed by a person: only what Convene wrote and a link.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from django.db import transaction
from django.urls import reverse

from convene.audit.context import AuditContext
from convene.audit.models import Action, AuditEntry
from convene.audit.services import audit_record_children
from convene.clocks.audience import NOTICE_BLIND, Audience
from convene.clocks.models import Clock, Escalation
from convene.people.models import Agency, Child, Professional
from convene.reminders.services import deliveries_decide
from convene.reminders.tasks import send_deliveries

logger = logging.getLogger(__name__)

NOTICE_RAISED = "escalation_raised"
NOTICE_ACKNOWLEDGED = "escalation_acknowledged"
NOTICE_RESOLVED = "escalation_resolved"

# Who the log names for what the sweep does by itself.
AUTOMATIC_ACTOR = "Convene (automatic escalation)"


def _children_of(subject: object) -> list[Child]:
    """The children a clock's subject is about: a referral's or a discussion's, or for an
    action the children of the discussion whose record agreed it."""
    if isinstance(subject, Child):
        return [subject]
    children = getattr(subject, "children", None)
    if children is None:
        discussion = getattr(getattr(subject, "record", None), "discussion", None)
        children = getattr(discussion, "children", None)
    return list(children.all()) if children is not None else []


def _audit(
    escalation: Escalation,
    *,
    action: Action,
    summary: str,
    by: Professional | None,
    context: AuditContext | None = None,
    record: Callable[..., list[AuditEntry]] = audit_record_children,
) -> None:
    """One audit entry per child the escalation is about (none: one naming the escalation).

    ``record`` writes them (a sweep batch passes one that collects them for one append)."""
    subject = escalation.clock.subject if escalation.clock is not None else None
    record(
        actor=by,
        actor_username="" if by is not None else AUTOMATIC_ACTOR,
        action=action,
        obj=escalation,
        children=_children_of(subject),
        summary=f"{summary} (escalation {escalation.pk})",
        context=context,
    )


def escalation_audit_look(
    *, escalation: Escalation, by: Professional, context: AuditContext | None = None
) -> None:
    """Record that ``by`` opened the escalation: a look at each child it is about."""
    _audit(escalation, action=Action.VIEW, summary="Viewed the escalation", by=by, context=context)


def clock_audit_look(*, clock: Clock, by: Professional, what: str, context: AuditContext) -> None:
    """Record a page that shows a timescale's subject (raising an escalation about it)."""
    audit_record_children(
        actor=by,
        action=Action.VIEW,
        obj=clock,
        children=_children_of(clock.subject),
        summary=what,
        context=context,
    )


def _notify(
    escalation: Escalation,
    *,
    kind: str,
    professionals: Sequence[Professional],
    agencies: Sequence[Agency] = (),
    subject: str,
    body: str,
    now: datetime,
    decide: Callable[..., int] = deliveries_decide,
) -> None:
    decide(
        partnership=escalation.partnership,
        source=escalation,
        kind=kind,
        professionals=professionals,
        agencies=agencies,
        subject=subject,
        body=body,
        link=reverse("clocks:escalation-detail", args=[escalation.pk]),
        now=now,
    )


BLIND_SUBJECT = "Escalation: a timescale on a restricted record is late"


def _notify_raised(
    escalation: Escalation,
    *,
    audience: Audience,
    subject: str,
    body: str,
    now: datetime,
    decide: Callable[..., int] = deliveries_decide,
) -> None:
    """Tell the audience an escalation was raised; told blind, they learn nothing of the record.

    ``decide`` writes the notices (a sweep batch passes one that collects the rows)."""
    if not audience.blind:
        _notify(
            escalation,
            kind=NOTICE_RAISED,
            professionals=audience.professionals,
            agencies=audience.agencies,
            subject=subject,
            body=body,
            now=now,
            decide=decide,
        )
        return
    # Nobody who may see the record can be found (everyone named on it has left). Its
    # reference, summary and page are for the named only: no link, no details, just
    # enough for an admin to find it (the escalation's number) and name someone.
    logger.error("Escalation %s: nobody who may see its record can be told", escalation.pk)
    decide(
        partnership=escalation.partnership,
        source=escalation,
        kind=NOTICE_BLIND,
        professionals=audience.professionals,
        subject=BLIND_SUBJECT,
        body=(
            "A timescale on a restricted record (one only the people named on it may see) "
            "is late, and nobody named on it can be told.\n\n"
            f"Ask a partnership admin to name someone on it who can act (escalation "
            f"{escalation.pk})."
        ),
        link="",
        now=now,
    )


def _send_soon() -> None:
    # A person is waiting on these: queue a delivery pass for when this commits,
    # rather than leave the emails to the next sweep.
    transaction.on_commit(send_deliveries.enqueue)
