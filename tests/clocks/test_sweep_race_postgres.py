"""Several workers at once on PostgreSQL: every escalation, delivery and sweep slot happens once.

Threads with their own database connections, released together by a barrier.
SQLite serialises every writer (BEGIN IMMEDIATE), so there is no race to lose
there; these tests run when DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime

import pytest
from django.core import mail
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from convene.clocks.escalations import _automatic_create
from convene.clocks.models import Clock, Escalation
from convene.clocks.services import clocks_sweep
from convene.clocks.sweep import sweep_run
from convene.people.factories import ChildFactory
from convene.policy.engine import escalation_levels
from convene.policy.loader import load_pack
from convene.policy.vocab import ClockKind
from convene.reminders.models import Delivery, PeriodicRun
from convene.reminders.services import deliveries_decide, deliveries_send, periodic_enqueue_due
from convene.workdays import LONDON, end_of_day
from tests.clocks.helpers import make_clock

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 4
LATE = datetime(2026, 12, 9, 9, tzinfo=LONDON)  # both England convene levels due


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time, so nothing can race; run on PostgreSQL")


def race(work, workers=WORKERS):
    """Run ``work(barrier)`` in ``workers`` threads at once; return their results."""
    barrier = threading.Barrier(workers, timeout=30)
    results, errors = [], []

    def run():
        try:
            results.append(work(barrier))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def breached_clocks(partnership, count):
    return [
        make_clock(
            partnership,
            policy_id="england",
            started_at=datetime(2026, 11, 30, 9, tzinfo=LONDON),
            due_at=end_of_day(date(2026, 12, 4)),
        )
        for _ in range(count)
    ]


def test_sweeps_racing_raise_each_escalation_and_decide_each_delivery_once(partnership, people):
    clocks = breached_clocks(partnership, 8)

    def sweep(barrier):
        barrier.wait()
        return sweep_run(now=LATE, send=False)

    results = race(sweep)
    assert sum(r["breached"] for r in results) == 8
    assert sum(r["escalations"] for r in results) == 16
    pairs = Counter(Escalation.objects.values_list("clock_id", "level"))
    assert pairs == Counter({(c.pk, level): 1 for c in clocks for level in (1, 2)})
    assert all(c.state == Clock.State.BREACHED for c in Clock.objects.all())
    # Escalation notices (bob; hana) and overdue reminders (bob, dina): in-app and email each.
    assert Delivery.objects.count() == 8 * (2 + 2 + 4)
    assert sweep_run(now=LATE, send=False)["escalations"] == 0


def test_the_unique_constraint_settles_two_raisers_who_both_got_past_the_lock(partnership, people):
    [clock] = breached_clocks(partnership, 1)
    clocks_sweep(now=LATE)
    clock.refresh_from_db()
    step = escalation_levels(load_pack("england"), ClockKind.CONVENE, on=date(2026, 11, 30))[0]

    def create(barrier):
        with transaction.atomic():
            barrier.wait()
            return _automatic_create(
                clock=clock, subject=clock.subject, level=1, step=step, now=LATE
            )

    results = race(create, workers=2)
    assert sorted(result is None for result in results) == [False, True]
    assert Escalation.objects.count() == 1


def test_deciding_the_same_deliveries_at_once_records_them_once(partnership, people):
    source = ChildFactory(partnership=partnership)

    def decide(barrier):
        with transaction.atomic():
            barrier.wait()
            return deliveries_decide(
                partnership=partnership,
                source=source,
                kind="overdue",
                professionals=[people["bob"], people["dina"]],
                subject="Overdue",
                body="Overdue",
                link="",
                now=LATE,
            )

    race(decide)
    assert Delivery.objects.count() == 4


def test_workers_sending_at_once_send_each_email_once(partnership, people):
    for _ in range(5):
        deliveries_decide(
            partnership=partnership,
            source=ChildFactory(partnership=partnership),
            kind="overdue",
            professionals=[people["bob"], people["dina"]],
            subject="Overdue",
            body="Overdue",
            link="",
            now=LATE,
        )

    def send(barrier):
        barrier.wait()
        return deliveries_send(now=LATE).sent

    assert sum(race(send)) == 10
    assert Counter(m.extra_headers["Message-ID"] for m in mail.outbox) == Counter(
        {d.message_id: 1 for d in Delivery.objects.filter(channel="email")}
    )


def test_workers_enqueue_a_periodic_task_once_per_slot(db, database_task_queue):
    schedule = {"convene.clocks.tasks.sweep": 60}

    def enqueue(barrier):
        barrier.wait()
        return periodic_enqueue_due(now=LATE, schedule=schedule)

    assert sum(len(r) for r in race(enqueue)) == 1
    assert PeriodicRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
