"""Invitations by email with an iCalendar attachment; updates, cancellations, the referrer's
preparation checklist (R003.4). Everything is decided in the change's transaction and sent
through the outbox (convene.discussions.outbox)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from convene.agencychecks.convening import REQUEST_SUBJECT
from convene.audit.models import Action, AuditEntry
from convene.audit.services import MAILER
from convene.discussions.models import Invitation
from convene.discussions.notices import Notice
from convene.discussions.outbox import notices_decide
from convene.discussions.services import discussion_cancel, discussion_reschedule
from convene.reminders.models import Delivery
from convene.reminders.services import deliveries_send
from tests.convening import NOW, scheduled_discussion
from tests.pagecheck import plain_words_problems

pytestmark = pytest.mark.django_db


def _calendar(message):
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    data = content.encode() if isinstance(content, str) else content
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def _to(mailoutbox, address):
    return [m for m in _notices(mailoutbox) if m.to == [address]]


def _notices(mailoutbox):
    # Each partner's request for its agency check goes too (tests/agencychecks).
    return [m for m in mailoutbox if not m.subject.startswith(REQUEST_SUBJECT)]


@pytest.fixture
def convened(accepted_for, people, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        discussion = scheduled_discussion(referral=accepted_for(), people=people)
    return discussion


def test_each_invitee_gets_an_email_with_an_ics_invitation(convened, mailoutbox):
    [message] = _to(mailoutbox, "carol@example.org")
    assert message.subject.startswith("Invitation: strategy discussion on Wednesday 4 March 2026")
    assert "Carol Clarke" in message.body
    assert "http://testserver/invitations/" in message.body
    assert "Parents, carers and family members are not invited" in message.body
    assert plain_words_problems(message.body) == []  # no rule ids (issue 18)
    # Email is not a secure channel: no child is named in it.
    # (Faker may give a child the invitee's own surname, "Dear Carol Clarke": look for the
    # child's names, not for a surname alone.)
    for child in convened.children.all():
        name = f"{child.first_name} {child.last_name}"
        assert name not in message.body
        assert name not in message.subject
    calendar, event = _calendar(message)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == f"{convened.uid}@convene"
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == NOW + timedelta(hours=3)
    assert event.decoded("dtend") == NOW + timedelta(hours=4)
    assert str(event["location"]) == "Riverside House, meeting room 2"
    assert str(event["url"]) == "https://meet.example.org/sd-1"
    assert "carol@example.org" in str(event["attendee"])
    assert "bob@example.org" in str(event["organizer"])
    assert message.reply_to == ["bob@example.org"]


def test_R003_4_the_referrer_receives_the_preparation_checklist(convened, mailoutbox):
    [message] = _to(mailoutbox, "rita@example.org")
    assert message.subject == "Strategy discussion arranged: what to prepare"
    body = message.body
    for item in (
        "start date at your setting",
        "forms you completed after disclosures or concerns",
        "attendance record, and incident and accident records",
        "parental engagement",
        "health and development",
        "previous concerns or worries",
    ):
        assert item in body
    assert "Key things to consider and prepare for the meeting" in body
    assert plain_words_problems(body) == []
    assert message.attachments == []
    convened.refresh_from_db()
    assert convened.referrer_notified_at is not None


def test_a_member_of_the_public_is_not_sent_the_meeting_details(
    accepted_for, people, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        scheduled_discussion(referral=accepted_for(referrer_agency=None), people=people)
    assert _to(mailoutbox, "rita@example.org") == []


def test_reschedule_bumps_the_sequence_and_sends_the_update(
    convened, people, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    new_start = NOW + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        discussion_reschedule(
            discussion=convened,
            starts_at=new_start,
            ends_at=new_start + timedelta(minutes=90),
            venue="Police station, interview suite",
            by=people["bob"],
            now=NOW,
            expected_version=convened.version,
        )
    [message] = _to(mailoutbox, "dev@example.org")
    assert message.subject.startswith("Changed: strategy discussion now on Thursday 5 March 2026")
    assert "It was: Wednesday 4 March 2026, 13:00 to 14:00" in message.body
    calendar, event = _calendar(message)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == f"{convened.uid}@convene"  # the same entry, replaced
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == new_start
    assert str(event["location"]) == "Police station, interview suite"
    assert (
        Invitation.objects.get(discussion=convened, professional=people["dev"]).sent_sequence == 1
    )
    [referrer] = _to(mailoutbox, "rita@example.org")
    assert referrer.subject.startswith("Changed:")


def test_cancel_sends_method_cancel(
    convened, people, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        discussion_cancel(
            discussion=convened,
            reason="The child has been placed with grandparents; police and health agree to NFA",
            by=people["bob"],
            now=NOW,
            expected_version=convened.version,
        )
    [message] = _to(mailoutbox, "erin@example.org")
    assert message.subject.startswith("Cancelled:")
    assert "placed with grandparents" in message.body
    calendar, event = _calendar(message)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == f"{convened.uid}@convene"
    assert int(event["sequence"]) == 1
    assert len(_to(mailoutbox, "rita@example.org")) == 1


def test_newly_invited_people_get_an_invitation_not_an_update(
    convened, people, mailoutbox, django_capture_on_commit_callbacks
):
    from convene.discussions.services import discussion_invite

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        discussion_invite(
            discussion=convened,
            invitees=[people["priya"]],
            by=people["bob"],
            now=NOW,
            expected_version=convened.version,
        )
    [message] = _notices(mailoutbox)
    assert message.to == ["priya@example.org"]
    assert message.subject.startswith("Invitation:")


def _decide_and_send(discussion, invitation, notice):
    notices_decide(discussion=discussion, invitations=[invitation], notice=notice, referrer=False)
    deliveries_send(now=timezone.now())
    return Delivery.objects.filter(source_id=invitation.pk, channel="email").latest("pk")


def test_a_notice_made_out_of_date_by_a_later_change_is_not_sent(convened, people, mailoutbox):
    mailoutbox.clear()
    invitation = convened.invitations.get(professional=people["carol"])
    convened.sequence -= 1  # as it was before a change that has since committed
    delivery = _decide_and_send(convened, invitation, Notice.INVITATION)
    assert delivery.state == Delivery.State.WITHDRAWN
    assert delivery.last_error == "A later change to the discussion superseded it"
    assert mailoutbox == []


def test_a_notice_already_sent_is_not_sent_twice(convened, people, mailoutbox):
    mailoutbox.clear()
    invitation = convened.invitations.get(professional=people["carol"])
    delivery = _decide_and_send(convened, invitation, Notice.UPDATE)
    assert delivery.state == Delivery.State.WITHDRAWN
    assert delivery.last_error == "Already sent"
    assert mailoutbox == []


def test_each_invitation_email_sent_is_audited_with_its_recipient(convened, people, mailoutbox):
    """The email leaves the system: one "exported" entry per child, naming the recipient."""
    sent = AuditEntry.objects.filter(actor_username=MAILER)
    children = set(convened.children.values_list("pk", flat=True))
    assert {e.action for e in sent} == {Action.EXPORT.value}
    assert {e.child_id for e in sent} == children
    carol = people["carol"]
    [to_carol] = [
        e
        for e in sent
        if e.summary.endswith(f"<{carol.email}>") and e.object_type == "discussions.invitation"
    ]
    assert to_carol.summary == (
        f"Emailed the invitation for the strategy discussion {convened.reference} "
        f"to {carol.get_full_name()} <{carol.email}>"
    )
    assert to_carol.object_type == "discussions.invitation"
    assert sent.filter(summary__contains="the referrer's invitation").count() == len(children)
    # One entry per child for each email that left: none for an email never sent.
    assert sent.count() == len(mailoutbox) * len(children)
    assert sent.filter(summary__contains="agency check").count() == 3 * len(children)


class _Down:
    def send_messages(self, messages):
        raise OSError("mail server down")


def test_the_discussion_page_shows_what_the_outbox_did_with_each_invitation(
    client, accepted_for, people, settings
):
    """Never "Queued" for ever (issue 12): waiting, trying again, failed (on Failed emails)."""
    from django.urls import reverse

    discussion = scheduled_discussion(referral=accepted_for(), people=people)
    url = reverse("discussions:detail", args=[discussion.pk])
    client.force_login(people["bob"])
    page = client.get(url).content.decode()
    assert "Queued" not in page
    assert "Waiting to send" in page
    settings.CONVENE_DELIVERY_MAX_ATTEMPTS = 2
    deliveries_send(now=timezone.now(), connection=_Down())
    assert "Not sent yet: trying again (1 failed attempts)" in client.get(url).content.decode()
    Delivery.objects.filter(channel="email").update(next_attempt_at=timezone.now())
    deliveries_send(now=timezone.now(), connection=_Down())
    page = client.get(url).content.decode()
    assert "Not sent: the email failed (see Failed emails)" in page
    # Once the mail server is back and an admin tries again, it goes, once.
    from convene.reminders.services import delivery_retry

    for delivery in Delivery.objects.filter(state="failed"):
        delivery_retry(delivery=delivery, now=timezone.now())
    deliveries_send(now=timezone.now())
    carol = Invitation.objects.get(discussion=discussion, professional=people["carol"])
    assert carol.sent_sequence == discussion.sequence
    assert "Sent " in client.get(url).content.decode()
