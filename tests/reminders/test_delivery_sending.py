"""Sending emails from the outbox: once, retried with back-off, failures shown to admins."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction

from convene.people.factories import ChildFactory
from convene.reminders.backends import SpoolEmailBackend, spool_name
from convene.reminders.models import Delivery
from convene.reminders.services import (
    deliveries_decide,
    deliveries_send,
    delivery_email,
    retry_delay,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_task_queue")]

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down."""

    calls = 0

    def send_messages(self, email_messages):
        BrokenBackend.calls += 1
        raise ConnectionRefusedError("Connection refused by mail.example.org:25")


@pytest.fixture
def decided(partnership, people):
    subject = ChildFactory(partnership=partnership)
    deliveries_decide(
        partnership=partnership,
        source=subject,
        kind="overdue",
        professionals=[people["bob"], people["dina"]],
        subject="Overdue: Strategy discussion or meeting held",
        body="Due 2 December",
        link="/escalations/",
        now=T0,
    )
    return Delivery.objects.filter(channel="email").order_by("pk")


def test_deciding_twice_adds_nothing_and_the_database_refuses_a_duplicate(
    partnership, people, decided
):
    assert Delivery.objects.count() == 4
    again = deliveries_decide(
        partnership=partnership,
        source=decided[0].source,
        kind="overdue",
        professionals=[people["bob"], people["dina"]],
        subject="x",
        body="y",
        link="",
        now=T0,
    )
    assert again == 0
    assert Delivery.objects.count() == 4
    copy = Delivery.objects.get(channel="email", recipient=people["bob"])
    copy.pk, copy.key, copy.message_id = None, None, "<other@x>"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_every_email_goes_once_with_its_stable_message_id(decided):
    with time_machine.travel(T0, tick=False):
        report = deliveries_send(now=T0)
    assert report.as_dict() == {
        "sent": 2,
        "recovered": 0,
        "retried": 0,
        "failed": 0,
        "withdrawn": 0,
        "skipped": 0,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.to_address for d in decided)
    sent = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert sent == {d.message_id for d in decided}
    assert "Open Convene to see it: http://testserver/escalations/" in mail.outbox[0].body
    assert all(d.state == "sent" and d.attempts == 1 for d in decided.all())
    assert deliveries_send(now=T0 + timedelta(hours=1)).sent == 0
    assert len(mail.outbox) == 2


def test_a_failed_email_is_retried_with_back_off_then_marked_failed(decided, settings):
    settings.CONVENE_DELIVERY_MAX_ATTEMPTS = 4
    settings.CONVENE_DELIVERY_RETRY_SECONDS = 60
    broken = BrokenBackend()
    first = decided[0]
    now = T0
    waits = []
    for attempt in range(1, 5):
        with time_machine.travel(now, tick=False):
            report = deliveries_send(now=now, connection=broken)
        first.refresh_from_db()
        assert first.attempts == attempt
        assert "ConnectionRefusedError: Connection refused" in first.last_error
        if attempt < 4:
            assert report.retried == 2
            assert first.state == "pending"
            waits.append(first.next_attempt_at - now)
            # Not before its time: a pass just before the back-off ends sends nothing.
            with time_machine.travel(first.next_attempt_at - timedelta(seconds=1), tick=False):
                assert (
                    deliveries_send(
                        now=first.next_attempt_at - timedelta(seconds=1), connection=broken
                    ).retried
                    == 0
                )
            now = first.next_attempt_at
        else:
            assert report.failed == 2
            assert first.state == "failed"
            assert first.failed_at == now
            assert first.next_attempt_at is None
    assert waits == [timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=240)]
    # A failed email is left alone.
    assert deliveries_send(now=now + timedelta(days=1), connection=broken).as_dict() == {
        "sent": 0,
        "recovered": 0,
        "retried": 0,
        "failed": 0,
        "withdrawn": 0,
        "skipped": 0,
    }


def test_back_off_doubles_up_to_an_hour(settings):
    settings.CONVENE_DELIVERY_RETRY_SECONDS = 60
    assert [retry_delay(n).total_seconds() for n in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_a_back_end_that_accepts_nothing_counts_as_a_failure(decided):
    class Silent(BaseEmailBackend):
        def send_messages(self, email_messages):
            return 0

    report = deliveries_send(now=T0, connection=Silent())
    assert report.retried == 2
    assert (
        "did not accept the message"
        in decided[0].__class__.objects.get(pk=decided[0].pk).last_error
    )


def crash_between_sending_and_recording(delivery):
    """What a worker killed after sending leaves behind: the attempt started, nothing recorded."""
    Delivery.objects.filter(pk=delivery.pk).update(
        state="sending",
        attempts=1,
        attempt_started_at=T0,
        next_attempt_at=T0 + timedelta(minutes=5),
    )


def test_an_email_in_doubt_waits_for_its_lease(decided):
    crash_between_sending_and_recording(decided[0])
    with time_machine.travel(T0 + timedelta(minutes=4), tick=False):
        report = deliveries_send(now=T0 + timedelta(minutes=4))
    assert report.sent == 1  # only the other one
    assert Delivery.objects.get(pk=decided[0].pk).state == "sending"


def test_an_email_in_doubt_that_the_back_end_confirms_is_recorded_not_resent(decided, tmp_path):
    spool = SpoolEmailBackend(spool_dir=tmp_path)
    doubtful = decided[0]
    # It did go out before the crash: the spool holds it.
    spool.send_messages([delivery_email(doubtful, spool)])
    crash_between_sending_and_recording(doubtful)
    later = T0 + timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        report = deliveries_send(now=later, connection=spool)
    assert (report.recovered, report.sent) == (1, 1)
    doubtful.refresh_from_db()
    assert doubtful.state == "sent"
    assert sorted(p.name for p in tmp_path.glob("*.eml")) == sorted(
        spool_name(d.message_id) for d in decided
    )


def test_an_email_in_doubt_the_back_end_cannot_confirm_is_sent_again_with_the_same_id(decided):
    crash_between_sending_and_recording(decided[0])
    later = T0 + timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        deliveries_send(now=later)  # locmem cannot say what it sent before
    assert decided[0].message_id in {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert Delivery.objects.get(pk=decided[0].pk).attempts == 2


def test_the_spool_writes_a_message_once_whatever_is_asked(decided, tmp_path):
    spool = SpoolEmailBackend(spool_dir=tmp_path)
    message = delivery_email(decided[0], spool)
    assert spool.send_messages([message]) == 1
    assert spool.send_messages([message]) == 1
    assert len(list(tmp_path.iterdir())) == 1
    assert spool.was_sent(decided[0].message_id)
    assert not spool.was_sent("<never@sent>")


def test_the_database_keeps_delivery_invariants(decided):
    rows = Delivery.objects.filter(pk=decided[0].pk)
    for change in (
        {"state": "sent"},  # no sent_at
        {"state": "failed"},  # no failed_at
        {"next_attempt_at": None},  # pending with nothing to wake it
        {"state": "sending"},  # sending without an attempt
        {"to_address": ""},  # an email with no address
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            rows.update(**change)
