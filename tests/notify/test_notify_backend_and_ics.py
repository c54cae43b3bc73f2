"""The iCalendar builder and the GOV.UK Notify email back end.

The back end is the official notifications-python-client, pointed at a stub Notify
server on a free local port (no network): it checks the client's token and answers
what each test queues.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from icalendar import Calendar

from convene.notify.backends import NotifyEmailBackend, NotifyError, NotifyRejected
from convene.notify.ics import CalendarEvent, Method, Person, calendar_invitation
from tests.notify.conftest import KEY, SERVICE

START = datetime(2026, 7, 1, 13, 0, tzinfo=UTC)  # 14:00 BST


def test_calendar_invitation_round_trips():
    event = CalendarEvent(
        uid="abc@convene",
        sequence=3,
        summary="Strategy meeting D000001",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        location="Riverside House",
        description="Sign in to Convene",
        organizer=Person(name="Bob Bennett", email="bob@example.org"),
    )
    data = calendar_invitation(
        event,
        method=Method.CANCEL,
        attendee=Person(name="Carol", email="c@example.org"),
        stamp=START,
    )
    calendar = Calendar.from_ical(data)
    [vevent] = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL"
    assert vevent.decoded("dtstart") == START
    assert int(vevent["sequence"]) == 3
    assert str(vevent["status"]) == "CANCELLED"
    assert b"DTSTART:20260701T130000Z" in data  # written in UTC


def test_calendar_invitation_refuses_naive_times():
    event = CalendarEvent(
        uid="x",
        sequence=0,
        summary="s",
        starts_at=datetime(2026, 7, 1, 13, 0),
        ends_at=datetime(2026, 7, 1, 14, 0),
        location="here",
        description="",
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar_invitation(
            event, method=Method.REQUEST, attendee=Person(name="a", email="a@b"), stamp=START
        )


def test_a_bad_key_is_refused_at_start():
    with pytest.raises(ImproperlyConfigured):
        NotifyEmailBackend(api_key="not-a-key", template_id="t")
    with pytest.raises(ImproperlyConfigured):
        NotifyEmailBackend(api_key=KEY, template_id="")


def test_each_recipient_is_sent_with_the_calendar_file_as_a_file_link(notify):
    backend = NotifyEmailBackend(api_key=KEY, template_id="tmpl-1", base_url=notify.url)
    message = EmailMessage(
        "Invitation", "Body text", "from@example.org", ["a@example.org", "b@example.org"]
    )
    message.attach("invite.ics", b"BEGIN:VCALENDAR", "text/calendar; method=REQUEST")
    assert backend.send_messages([message]) == 1
    first, second = notify.requests
    assert first["path"] == "/v2/notifications/email"
    # The official client signs each request with the key's secret, issued by the service.
    assert first["claims"]["iss"] == SERVICE
    body = first["body"]
    assert body["email_address"] == "a@example.org"
    assert second["body"]["email_address"] == "b@example.org"
    assert body["template_id"] == "tmpl-1"
    assert body["personalisation"]["subject"] == "Invitation"
    assert body["personalisation"]["body"] == "Body text"
    file = body["personalisation"]["calendar_file"]
    assert base64.b64decode(file["file"]) == b"BEGIN:VCALENDAR"
    assert file["filename"] == "invite.ics"
    assert file["confirm_email_before_download"] is False
    assert file["retention_period"] == "4 weeks"


def test_a_message_without_a_calendar_sends_an_empty_file_placeholder(notify):
    backend = NotifyEmailBackend(api_key=KEY, template_id="t", base_url=notify.url)
    backend.send_messages([EmailMessage("s", "b", "f@example.org", ["a@example.org"])])
    [request] = notify.requests
    assert request["body"]["personalisation"]["calendar_file"] == ""


def test_a_refusal_says_notifys_reason_and_is_marked_as_not_worth_retrying(notify):
    notify.answer(400, ["email_address Not a valid email address"])
    backend = NotifyEmailBackend(api_key=KEY, template_id="t", base_url=notify.url)
    message = EmailMessage("s", "b", "f@example.org", ["a@example.org"])
    with pytest.raises(NotifyRejected, match=r"refused the email \(400\): email_address Not a"):
        backend.send_messages([message])


@pytest.mark.parametrize("status", [429, 500, 503])
def test_busy_or_failing_notify_is_an_error_worth_retrying(notify, status):
    notify.answer(status, ["Exceeded rate limit"])
    backend = NotifyEmailBackend(api_key=KEY, template_id="t", base_url=notify.url)
    message = EmailMessage("s", "b", "f@example.org", ["a@example.org"])
    with pytest.raises(NotifyError, match=f"answered {status}") as raised:
        backend.send_messages([message])
    assert not isinstance(raised.value, NotifyRejected)


def test_notify_out_of_reach_raises_unless_silent(notify):
    url = notify.url
    notify.server.shutdown()
    notify.server.server_close()
    backend = NotifyEmailBackend(api_key=KEY, template_id="t", base_url=url)
    message = EmailMessage("s", "b", "f@example.org", ["a@example.org"])
    with pytest.raises(NotifyError, match="could not be reached"):
        backend.send_messages([message])
    quiet = NotifyEmailBackend(api_key=KEY, template_id="t", base_url=url, fail_silently=True)
    assert quiet.send_messages([message]) == 0
