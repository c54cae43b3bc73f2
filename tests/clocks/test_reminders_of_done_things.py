"""A reminder email queued for a timescale that is then met or waived is not sent (issue 18:
notices go stale when the thing is done). It is skipped: not sent, not failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from convene.clocks.services import clock_meet, clock_waive
from convene.reminders.models import Delivery
from convene.reminders.services import deliveries_decide, deliveries_send
from tests.clocks.helpers import make_clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_task_queue")]

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _queue_reminder(partnership, people, clock):
    deliveries_decide(
        partnership=partnership,
        source=clock,
        kind="due_soon",
        professionals=[people["bob"]],
        subject="Due soon: Strategy discussion or meeting held",
        body="Due 2 December",
        link="",
        now=T0,
    )
    return Delivery.objects.get(channel="email", source_id=clock.pk)


@pytest.mark.parametrize("done", ["met", "waived"])
def test_R004_3_a_reminder_of_a_timescale_done_meanwhile_is_skipped(partnership, people, done):
    clock = make_clock(
        partnership, started_at=T0 - timedelta(days=1), due_at=T0 + timedelta(days=1)
    )
    delivery = _queue_reminder(partnership, people, clock)
    if done == "met":
        clock_meet(clock=clock, at=T0 + timedelta(minutes=5), by=people["bob"])
    else:
        clock_waive(clock=clock, reason="Closed", at=T0 + timedelta(minutes=5), by=people["bob"])
    later = T0 + timedelta(minutes=10)
    with time_machine.travel(later, tick=False):
        report = deliveries_send(now=later)
    assert (report.sent, report.failed, report.skipped) == (0, 0, 1)
    assert mail.outbox == []
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SKIPPED
    assert delivery.failed_at is None
    assert delivery.next_attempt_at is None
    # Never tried again.
    with time_machine.travel(later + timedelta(days=1), tick=False):
        assert deliveries_send(now=later + timedelta(days=1)).skipped == 0


def test_R004_3_a_reminder_of_a_running_timescale_is_sent(partnership, people):
    clock = make_clock(
        partnership, started_at=T0 - timedelta(days=1), due_at=T0 + timedelta(days=1)
    )
    delivery = _queue_reminder(partnership, people, clock)
    with time_machine.travel(T0, tick=False):
        report = deliveries_send(now=T0)
    assert (report.sent, report.skipped) == (1, 0)
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
