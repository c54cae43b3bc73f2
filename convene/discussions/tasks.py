"""Background tasks (django-tasks) that send discussion notices once the change has committed.

Each task reads the discussion as it is when the task runs: a notice made
out of date by a later change (a higher SEQUENCE) is skipped, because that
change queued its own.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from convene.audit.services import audit_sent
from convene.discussions.models import Discussion, Invitation
from convene.discussions.notices import Notice, invitation_email, referrer_email
from convene.notify.email import send_email


@task()
def send_invitation_notice(
    *, invitation_id: int, notice: str, sequence: int, previous: str = ""
) -> str:
    invitation = (
        Invitation.objects.select_related(
            "professional", "discussion__chair", "discussion__partnership"
        )
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return "gone"
    discussion = invitation.discussion
    kind = Notice(notice)
    if discussion.sequence != sequence:
        return "superseded"
    if kind is Notice.CANCELLATION:
        if invitation.sent_sequence is None:
            return "never invited"
    elif discussion.state != Discussion.State.SCHEDULED:
        return "not scheduled"
    elif invitation.sent_sequence is not None and invitation.sent_sequence >= sequence:
        return "already sent"
    if not invitation.professional.email:
        return "no email address"
    now = timezone.now()
    email = invitation_email(invitation, kind, stamp=now, previous=previous)
    send_email(
        to=email.to,
        subject=email.subject,
        body=email.body,
        attachments=email.attachments,
        reply_to=email.reply_to,
    )
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=now, sent_sequence=sequence)
        audit_sent(
            obj=invitation,
            children=discussion.children.all(),
            what=f"the {kind.value} for the {_named(discussion)}",
            to_name=str(invitation.professional),
            to_email=email.to,
        )
    return "sent"


@task()
def send_referrer_notice(*, discussion_id: int, notice: str, sequence: int) -> str:
    discussion = (
        Discussion.objects.select_related("referral__referrer_agency", "chair", "partnership")
        .filter(pk=discussion_id)
        .first()
    )
    if discussion is None:
        return "gone"
    kind = Notice(notice)
    if discussion.sequence != sequence:
        return "superseded"
    if kind is Notice.CANCELLATION and discussion.referrer_notified_at is None:
        return "never told"
    email = referrer_email(discussion, kind)
    if email is None:
        return "no partner referrer"
    send_email(
        to=email.to,
        subject=email.subject,
        body=email.body,
        attachments=email.attachments,
        reply_to=email.reply_to,
    )
    with transaction.atomic():
        Discussion.objects.filter(pk=discussion.pk).update(referrer_notified_at=timezone.now())
        audit_sent(
            obj=discussion,
            children=discussion.children.all(),
            what=f"the referrer's {kind.value} for the {_named(discussion)}",
            to_name=discussion.referral.referrer_name,
            to_email=email.to,
        )
    return "sent"


def _named(discussion: Discussion) -> str:
    return f"{discussion.get_kind_display().lower()} {discussion.reference}"
