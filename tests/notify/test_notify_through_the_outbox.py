"""GOV.UK Notify's answers through the outbox (the stub server in conftest, no network).

A refusal (400: bad template or address) fails the email at once, for admins to
see on the failed emails page; a busy or failing Notify (429, 5xx) is retried.
"""

import base64
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from convene.people.factories import ChildFactory
from convene.reminders.models import Delivery
from convene.reminders.services import deliveries_decide, deliveries_send
from tests.convening import scheduled_discussion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("notify_settings")]

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def email(partnership, people):
    deliveries_decide(
        partnership=partnership,
        source=ChildFactory(partnership=partnership),
        kind="overdue",
        professionals=[people["bob"]],
        subject="Overdue: Strategy discussion or meeting held",
        body="Due 2 December",
        link="/escalations/",
        now=T0,
    )
    return Delivery.objects.get(channel="email")


def send(now):
    with time_machine.travel(now, tick=False):
        return deliveries_send(now=now)


def test_an_accepted_email_is_recorded_sent(email, notify):
    assert send(T0).sent == 1
    [request] = notify.requests
    assert request["body"]["email_address"] == email.to_address
    assert request["body"]["personalisation"]["subject"] == email.subject
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 1)


def test_a_refused_email_fails_at_once_and_shows_on_the_failed_emails_page(
    email, notify, client, people, settings
):
    settings.CONVENE_DELIVERY_MAX_ATTEMPTS = 5
    notify.answer(400, ["email_address Not a valid email address"])
    assert send(T0).failed == 1
    email.refresh_from_db()
    assert (email.state, email.attempts, email.next_attempt_at) == ("failed", 1, None)
    assert "email_address Not a valid email address" in email.last_error
    # Nothing more is tried, however long the worker runs.
    assert send(T0 + timedelta(days=1)).as_dict()["retried"] == 0
    assert len(notify.requests) == 1
    client.force_login(people["admin"])
    page = client.get("/deliveries/failed/").content.decode()
    assert email.to_address in page
    assert "GOV.UK Notify refused the email (400): email_address Not a valid" in page
    assert "after 1 attempt" in page


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_or_failing_notify_is_retried_through_the_outbox(email, notify, settings, status):
    settings.CONVENE_DELIVERY_MAX_ATTEMPTS = 5
    settings.CONVENE_DELIVERY_RETRY_SECONDS = 60
    notify.answer(status, ["Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"])
    assert send(T0).retried == 1
    email.refresh_from_db()
    assert email.state == "pending"
    assert email.next_attempt_at == T0 + timedelta(seconds=60)
    assert f"GOV.UK Notify answered {status}" in email.last_error
    assert send(T0 + timedelta(seconds=60)).sent == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 2)
    assert len(notify.requests) == 2


def test_a_meeting_invitation_reaches_notify_with_its_calendar_as_a_file_link(
    notify, accepted_for, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        scheduled_discussion(referral=accepted_for(), people=people)
    deliveries_send(now=timezone.now())
    [request] = [
        r
        for r in notify.requests
        if r["body"]["email_address"] == "carol@example.org"
        and r["body"]["personalisation"]["subject"].startswith("Invitation")
    ]
    personalisation = request["body"]["personalisation"]
    assert personalisation["subject"].startswith("Invitation: strategy discussion")
    file = personalisation["calendar_file"]
    assert file["filename"] == "invite.ics"
    assert file["retention_period"] == "4 weeks"
    calendar = Calendar.from_ical(base64.b64decode(file["file"]))
    assert str(calendar["method"]) == "REQUEST"
    assert "carol@example.org" in str(calendar.walk("VEVENT")[0]["attendee"])
