"""What invitees and the referrer are told, and when: composed here, sent through the outbox.

Emails and calendar entries name no child and carry no case detail: the
recipient signs in to Convene for those (email is not a secure channel for
OFFICIAL-SENSITIVE case information). See docs/referrals-and-convening.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from convene.discussions.models import Discussion, Invitation
from convene.discussions.signals import discussion_notices_decided
from convene.notify.email import Attachment, ics_attachment
from convene.notify.ics import CalendarEvent, Method, Person, calendar_invitation
from convene.people.models import Professional
from convene.workdays import LONDON


class Notice(StrEnum):
    INVITATION = "invitation"
    UPDATE = "update"
    CANCELLATION = "cancellation"


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...]
    reply_to: tuple[str, ...]


def when_text(starts_at: datetime | None, ends_at: datetime | None) -> str:
    if starts_at is None:
        return "to be arranged"
    start = starts_at.astimezone(LONDON)
    text = f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}"
    if ends_at is not None:
        text += f" to {ends_at.astimezone(LONDON):%H:%M}"
    return text


def _url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _context(discussion: Discussion) -> dict[str, object]:
    chair = discussion.chair
    return {
        "kind": discussion.get_kind_display(),
        "kind_lower": discussion.get_kind_display().lower(),
        "partnership": discussion.partnership.name,
        "when": when_text(discussion.starts_at, discussion.ends_at),
        "venue": discussion.venue,
        "virtual_link": discussion.virtual_link,
        "chair_name": str(chair) if chair else "to be confirmed",
        "chair_email": chair.email if chair else "",
        "reference": discussion.reference,
        "discussion_url": _url(reverse("discussions:detail", args=[discussion.pk])),
        "invitations_url": _url(reverse("discussions:my-invitations")),
        "cancel_reason": discussion.cancel_reason,
    }


def calendar_event(discussion: Discussion) -> CalendarEvent:
    assert discussion.starts_at is not None
    assert discussion.ends_at is not None
    chair = discussion.chair
    return CalendarEvent(
        uid=f"{discussion.uid}@convene",
        sequence=discussion.sequence,
        summary=f"{discussion.get_kind_display()} {discussion.reference}",
        starts_at=discussion.starts_at,
        ends_at=discussion.ends_at,
        location=discussion.venue or discussion.virtual_link,
        url=discussion.link_to_follow,
        description=(
            f"{discussion.get_kind_display()} convened by {discussion.partnership.name}. "
            f"Sign in to Convene for the details: "
            f"{_url(reverse('discussions:detail', args=[discussion.pk]))}. "
            "Parents, carers and family members are not invited."
        ),
        organizer=Person(name=str(chair), email=chair.email) if chair and chair.email else None,
    )


def invitation_email(
    invitation: Invitation, notice: Notice, *, stamp: datetime, previous: str = ""
) -> Email:
    discussion = invitation.discussion
    person = invitation.professional
    context = {**_context(discussion), "recipient_name": str(person), "previous_when": previous}
    if notice is Notice.UPDATE and invitation.sent_sequence is None:
        notice = Notice.INVITATION  # never told before: this is their first invitation
    method = Method.CANCEL if notice is Notice.CANCELLATION else Method.REQUEST
    ics = calendar_invitation(
        calendar_event(discussion),
        method=method,
        attendee=Person(name=str(person), email=person.email),
        stamp=stamp,
    )
    kind = discussion.get_kind_display()
    subject = {
        Notice.INVITATION: f"Invitation: {kind.lower()} on {context['when']}",
        Notice.UPDATE: f"Changed: {kind.lower()} now on {context['when']}",
        Notice.CANCELLATION: f"Cancelled: {kind.lower()} on {context['when']}",
    }[notice]
    body = render_to_string(f"notify/email/{notice.value}.txt", context)
    chair_email = discussion.chair.email if discussion.chair and discussion.chair.email else ""
    return Email(
        to=person.email,
        subject=subject,
        body=body,
        attachments=(ics_attachment(ics, method=method.value),),
        reply_to=(chair_email,) if chair_email else (),
    )


def referrer_email(discussion: Discussion, notice: Notice) -> Email | None:
    """The referrer's notice with the R003.4 preparation checklist (partner agencies only)."""
    referral = discussion.referral
    if referral.referrer_agency_id is None or not referral.referrer_email:
        return None
    received = referral.received_at.astimezone(LONDON)
    context = {
        **_context(discussion),
        "recipient_name": referral.referrer_name,
        "notice": notice.value,
        "received": f"{received.day} {received:%B %Y}",
        "referral_reference": referral.reference,
    }
    kind = discussion.get_kind_display().lower()
    subject = {
        Notice.INVITATION: f"Strategy {kind.split()[-1]} arranged: what to prepare",
        Notice.UPDATE: f"Changed: {kind} now on {context['when']}",
        Notice.CANCELLATION: f"Cancelled: {kind} on {context['when']}",
    }[notice]
    chair_email = discussion.chair.email if discussion.chair and discussion.chair.email else ""
    return Email(
        to=referral.referrer_email,
        subject=subject,
        body=render_to_string("notify/email/referrer.txt", context),
        attachments=(),
        reply_to=(chair_email,) if chair_email else (),
    )


def queue_notices(
    *,
    discussion: Discussion,
    invitations: Iterable[Invitation],
    notice: Notice,
    referrer: bool,
    previous: str = "",
    now: datetime,
    by: Professional,
) -> None:
    """Decide the notices in the caller's transaction, through the outbox: a rollback sends
    nothing, and the worker sends each once, with retries (convene.discussions.outbox).

    The apps above hear of it through ``signals.discussion_notices_decided``."""
    from convene.discussions.outbox import notices_decide  # it imports this module

    invitations = list(invitations)
    discussion_notices_decided.send(
        Discussion, discussion=discussion, invitations=invitations, notice=notice, now=now, by=by
    )
    notices_decide(
        discussion=discussion,
        invitations=invitations,
        notice=notice,
        referrer=referrer,
        previous=previous,
    )
