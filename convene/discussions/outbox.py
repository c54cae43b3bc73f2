"""Invitations (with their calendar file) and referrer notices, through the one outbox.

Decided in the transaction that schedules, moves, cancels or adds to a
discussion (:func:`notices_decide`), sent by the worker with retries
(convene.reminders.outbox). When its turn comes a notice made out of date by a
later change (a higher SEQUENCE) is withdrawn, because that change decided its
own; when it leaves, the invitation (or discussion) records it and the audit log
names who it went to.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from convene.audit.services import audit_sent
from convene.discussions.models import Discussion, Invitation
from convene.discussions.notices import Email, Notice, invitation_email, referrer_email
from convene.referrals.templatetags.convening import short_when
from convene.reminders.models import Delivery
from convene.reminders.outbox import (
    EmailKind,
    attachment_stored,
    deliveries_about,
    email_decide,
    email_kind_register,
)

__all__ = [
    "invitation_deliveries",
    "invitation_email_status",
    "notices_decide",
    "register",
]

INVITATION = "invitation"
REFERRER = "referrer"
_LEFT = [Delivery.State.SENT, Delivery.State.SENDING]


def _kind(prefix: str, notice: Notice, sequence: int) -> str:
    return f"{prefix}.{notice.value}.{sequence}"


def _parse(kind: str) -> tuple[Notice, int]:
    _, notice, sequence = kind.split(".")
    return Notice(notice), int(sequence)


def _named(discussion: Discussion) -> str:
    return f"{discussion.get_kind_display().lower()} {discussion.reference}"


def _decide(
    email: Email,
    *,
    source: Invitation | Discussion,
    kind: str,
    key: str,
    now: datetime,
    **who: Any,
) -> None:
    discussion = source if isinstance(source, Discussion) else source.discussion
    email_decide(
        partnership=discussion.partnership,
        source=source,
        kind=kind,
        recipient_key=key,
        to_address=email.to,
        subject=email.subject,
        body=email.body,
        attachments=[attachment_stored(attachment) for attachment in email.attachments],
        reply_to=email.reply_to[0] if email.reply_to else "",
        now=now,
        **who,
    )


def notices_decide(
    *,
    discussion: Discussion,
    invitations: Iterable[Invitation],
    notice: Notice,
    referrer: bool,
    previous: str = "",
) -> None:
    """Decide each invitee's notice (and the referrer's) for the discussion as it is now.

    A cancellation goes only to those told (or being told) of it already.
    """
    now = timezone.now()
    sequence = discussion.sequence
    for invitation in invitations:
        person = invitation.professional
        if not person.email:
            continue  # shown on the discussion page as "no email address"
        told = invitation.sent_sequence is not None or (
            deliveries_about(invitation).filter(state__in=_LEFT).exists()
        )
        if notice is Notice.CANCELLATION and not told:
            continue
        _decide(
            invitation_email(invitation, notice, stamp=now, previous=previous),
            source=invitation,
            kind=_kind(INVITATION, notice, sequence),
            key=f"professional:{person.pk}",
            recipient=person,
            now=now,
        )
    if not referrer:
        return
    told = discussion.referrer_notified_at is not None or (
        deliveries_about(discussion, kind_prefix=f"{REFERRER}.").filter(state__in=_LEFT).exists()
    )
    if notice is Notice.CANCELLATION and not told:
        return
    email = referrer_email(discussion, notice)
    if email is not None:
        _decide(
            email,
            source=discussion,
            kind=_kind(REFERRER, notice, sequence),
            key=f"referrer:{discussion.referral_id}",
            recipient_agency=discussion.referral.referrer_agency,
            now=now,
        )


# --- when its turn comes, and when it has gone ---------------------------------------------


def _invitation_withdraw_reason(delivery: Delivery) -> str:
    invitation = (
        Invitation.objects.select_related("discussion").filter(pk=delivery.source_id).first()
    )
    if invitation is None:
        return "The invitation was withdrawn"
    notice, sequence = _parse(delivery.kind)
    discussion = invitation.discussion
    if discussion.sequence != sequence:
        return "A later change to the discussion superseded it"
    if notice is not Notice.CANCELLATION:
        if discussion.state != Discussion.State.SCHEDULED:
            return "The discussion is no longer scheduled"
        if invitation.sent_sequence is not None and invitation.sent_sequence >= sequence:
            return "Already sent"
    return ""


def _invitation_sent(delivery: Delivery, now: datetime) -> None:
    invitation = Invitation.objects.select_related("discussion", "professional").get(
        pk=delivery.source_id
    )
    notice, sequence = _parse(delivery.kind)
    Invitation.objects.filter(
        Q(sent_sequence__isnull=True) | Q(sent_sequence__lt=sequence), pk=invitation.pk
    ).update(sent_at=now, sent_sequence=sequence)
    discussion = invitation.discussion
    audit_sent(
        obj=invitation,
        children=discussion.children.all(),
        what=f"the {notice.value} for the {_named(discussion)}",
        to_name=str(invitation.professional),
        to_email=delivery.to_address,
    )


def _referrer_withdraw_reason(delivery: Delivery) -> str:
    discussion = Discussion.objects.filter(pk=delivery.source_id).first()
    if discussion is None:
        return "The discussion was removed"
    notice, sequence = _parse(delivery.kind)
    if discussion.sequence != sequence:
        return "A later change to the discussion superseded it"
    if notice is not Notice.CANCELLATION and discussion.state != Discussion.State.SCHEDULED:
        return "The discussion is no longer scheduled"
    return ""


def _referrer_sent(delivery: Delivery, now: datetime) -> None:
    discussion = Discussion.objects.select_related("referral").get(pk=delivery.source_id)
    notice, _ = _parse(delivery.kind)
    Discussion.objects.filter(pk=discussion.pk).update(referrer_notified_at=now)
    audit_sent(
        obj=discussion,
        children=discussion.children.all(),
        what=f"the referrer's {notice.value} for the {_named(discussion)}",
        to_name=discussion.referral.referrer_name,
        to_email=delivery.to_address,
    )


def register() -> None:
    email_kind_register(
        INVITATION,
        EmailKind(
            on_sent=_invitation_sent,
            withdraw_reason=_invitation_withdraw_reason,
            description="An invitation to a strategy discussion or meeting (or its change)",
        ),
    )
    email_kind_register(
        REFERRER,
        EmailKind(
            on_sent=_referrer_sent,
            withdraw_reason=_referrer_withdraw_reason,
            description="The referrer's notice of a strategy discussion or meeting",
        ),
    )


def invitation_deliveries(discussion: Discussion) -> dict[int, Delivery]:
    """Each invitation's latest email delivery, for the discussion page's "Email" column."""
    latest: dict[int, Delivery] = {}
    rows = Delivery.objects.filter(
        source_type__app_label="discussions",
        source_type__model="invitation",
        source_id__in=discussion.invitations.values("pk"),
        channel=Delivery.Channel.EMAIL,
    ).order_by("decided_at", "pk")
    for row in rows:
        if row.state != Delivery.State.WITHDRAWN or row.source_id not in latest:
            latest[row.source_id] = row
    return latest


def invitation_email_status(
    invitation: Invitation, delivery: Delivery | None, discussion: Discussion
) -> str:
    """What the outbox says of the invitation's email, in words (never "Queued" for ever)."""
    if invitation.sent_at is not None and (
        delivery is None or delivery.state in (Delivery.State.SENT, Delivery.State.WITHDRAWN)
    ):
        text = f"Sent {short_when(invitation.sent_at)}"
        return text + (f" (update {invitation.sent_sequence})" if invitation.sent_sequence else "")
    if not invitation.professional.email:
        return "Not sent: no email address"
    if discussion.state == Discussion.State.REQUESTED:
        return "Sent when scheduled"
    if delivery is None or delivery.state == Delivery.State.WITHDRAWN:
        return "Not sent"
    if delivery.state == Delivery.State.FAILED:
        return "Not sent: the email failed (see Failed emails)"
    if delivery.state == Delivery.State.PENDING and delivery.attempts:
        return f"Not sent yet: trying again ({delivery.attempts} failed attempts)"
    if delivery.state == Delivery.State.SENT:
        return "Sent"
    if delivery.state == Delivery.State.SENDING:
        return "Sending"
    return "Waiting to send"
