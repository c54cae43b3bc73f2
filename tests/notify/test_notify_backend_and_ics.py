"""The iCalendar builder and the GOV.UK Notify email back end (no network: a fake opener)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from icalendar import Calendar

from convene.notify.backends import NotifyEmailBackend, NotifyError, make_token, parse_api_key
from convene.notify.ics import CalendarEvent, Method, Person, calendar_invitation

SERVICE = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
KEY = f"convene_test-{SERVICE}-{SECRET}"
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


def test_api_key_parts_and_token():
    assert parse_api_key(KEY) == (SERVICE, SECRET)
    token = make_token(service_id=SERVICE, secret=SECRET, issued_at=1_700_000_000)
    header, claims, signature = token.split(".")
    padded = claims + "=" * (-len(claims) % 4)
    assert json.loads(base64.urlsafe_b64decode(padded)) == {"iss": SERVICE, "iat": 1_700_000_000}
    expected = hmac.new(SECRET.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert signature == base64.urlsafe_b64encode(expected).rstrip(b"=").decode()


def test_a_bad_key_is_refused_at_start():
    with pytest.raises(ImproperlyConfigured):
        NotifyEmailBackend(api_key="not-a-key", template_id="t")
    with pytest.raises(ImproperlyConfigured):
        NotifyEmailBackend(api_key=KEY, template_id="")


class FakeResponse:
    status = 201

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


def test_notify_backend_posts_each_recipient_with_the_calendar_file():
    calls = []

    def opener(request, timeout):
        calls.append((request, timeout))
        return FakeResponse()

    backend = NotifyEmailBackend(api_key=KEY, template_id="tmpl-1", opener=opener)
    message = EmailMessage("Invitation", "Body text", "from@example.org", ["a@example.org"])
    message.attach("invite.ics", b"BEGIN:VCALENDAR", "text/calendar; method=REQUEST")
    assert backend.send_messages([message]) == 1
    [(request, timeout)] = calls
    assert request.full_url == "https://api.notifications.service.gov.uk/v2/notifications/email"
    assert request.get_header("Authorization").startswith("Bearer ")
    payload = json.loads(request.data)
    assert payload["email_address"] == "a@example.org"
    assert payload["template_id"] == "tmpl-1"
    assert payload["personalisation"]["subject"] == "Invitation"
    assert payload["personalisation"]["body"] == "Body text"
    file = payload["personalisation"]["calendar_file"]
    assert base64.b64decode(file["file"]) == b"BEGIN:VCALENDAR"
    assert file["filename"] == "invite.ics"
    assert timeout == 15


def test_notify_backend_raises_when_notify_cannot_be_reached():
    def opener(request, timeout):
        raise OSError("connection refused")

    backend = NotifyEmailBackend(api_key=KEY, template_id="t", opener=opener)
    message = EmailMessage("s", "b", "f@example.org", ["a@example.org"])
    with pytest.raises(NotifyError, match="could not be reached"):
        backend.send_messages([message])
    quiet = NotifyEmailBackend(api_key=KEY, template_id="t", opener=opener, fail_silently=True)
    assert quiet.send_messages([message]) == 0
