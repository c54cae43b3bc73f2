"""The agency checks' emails through the one outbox: the request to each invitee when the
discussion is arranged (``convening``), and the chair's notice of a late check (``late``).

When its turn comes a request whose agency has already sent its check, or whose discussion is
no longer scheduled, is withdrawn; an email that leaves is audited against each child.
"""

from __future__ import annotations

from datetime import datetime

from convene.agencychecks.models import AgencyCheck
from convene.audit.services import audit_sent
from convene.discussions.models import Discussion
from convene.reminders.models import Delivery
from convene.reminders.outbox import EmailKind, email_kind_register

__all__ = ["PREFIX", "register"]

PREFIX = "agency_check"


def _check(delivery: Delivery) -> AgencyCheck | None:
    return (
        AgencyCheck.objects.select_related("discussion", "agency")
        .filter(pk=delivery.source_id)
        .first()
    )


def _withdraw_reason(delivery: Delivery) -> str:
    check = _check(delivery)
    if check is None:
        return "The agency check was removed"
    if delivery.kind.startswith(f"{PREFIX}.request"):
        if check.version:
            return "The agency has already sent its check"
        if check.discussion.state != Discussion.State.SCHEDULED:
            return "The discussion is no longer scheduled"
    return ""


def _sent(delivery: Delivery, now: datetime) -> None:
    check = _check(delivery)
    if check is None:
        return
    what = "the request" if delivery.kind.startswith(f"{PREFIX}.request") else "the late notice"
    audit_sent(
        obj=check,
        children=check.discussion.children.all(),
        what=f"{what} for {check.agency.name}'s agency check for {check.discussion.reference}",
        to_name=str(delivery.recipient or ""),
        to_email=delivery.to_address,
    )


def register() -> None:
    email_kind_register(
        PREFIX,
        EmailKind(
            on_sent=_sent,
            withdraw_reason=_withdraw_reason,
            description="An agency check: the request to send it, or a late one's notice",
        ),
    )
