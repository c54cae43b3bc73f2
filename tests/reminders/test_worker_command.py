"""`convene worker` (periodic slots, --once) and `convene serve` starting it beside the server."""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from convene.clocks.models import Clock, Escalation
from convene.clocks.tasks import sweep
from convene.core.management.commands import serve
from convene.reminders.models import Delivery, PeriodicRun
from convene.reminders.services import periodic_enqueue_due, slot_start
from convene.reminders.tasks import prune_task_results
from convene.reminders.worker import GracefulWorker, PeriodicScheduler
from convene.workdays import LONDON, end_of_day
from tests.clocks.helpers import make_clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_task_queue")]

SWEEP = "convene.clocks.tasks.sweep"
T0 = datetime(2026, 12, 1, 9, 0, 30, tzinfo=UTC)


def test_slots_count_from_the_epoch():
    assert slot_start(T0, 60) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert slot_start(T0, 3600) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert slot_start(T0 + timedelta(seconds=30), 60) == datetime(2026, 12, 1, 9, 1, tzinfo=UTC)


def test_a_periodic_task_is_enqueued_once_per_slot():
    schedule = {SWEEP: 60}
    assert periodic_enqueue_due(now=T0, schedule=schedule) == [SWEEP]
    assert periodic_enqueue_due(now=T0 + timedelta(seconds=20), schedule=schedule) == []
    assert periodic_enqueue_due(now=T0 + timedelta(seconds=40), schedule=schedule) == [SWEEP]
    assert PeriodicRun.objects.count() == 2
    assert DBTaskResult.objects.filter(task_path=SWEEP, status="READY").count() == 2
    run = PeriodicRun.objects.order_by("slot_start").first()
    assert DBTaskResult.objects.filter(pk=run.task_result_id).exists()


def test_old_slots_are_pruned():
    periodic_enqueue_due(now=T0, schedule={SWEEP: 60})
    periodic_enqueue_due(now=T0 + timedelta(days=8), schedule={SWEEP: 60})
    assert PeriodicRun.objects.count() == 1


def test_the_scheduler_asks_the_database_only_when_a_slot_comes_round(
    django_assert_num_queries,
):
    scheduler = PeriodicScheduler({SWEEP: 60})
    assert scheduler.tick_once(now=T0) == [SWEEP]
    with django_assert_num_queries(0):
        assert scheduler.tick_once(now=T0 + timedelta(seconds=10)) == []
    # Another worker took the next slot first: this one enqueues nothing.
    periodic_enqueue_due(now=T0 + timedelta(seconds=30), schedule={SWEEP: 60})
    assert scheduler.tick_once(now=T0 + timedelta(seconds=31)) == []
    assert DBTaskResult.objects.count() == 2


def test_the_scheduler_survives_a_database_error(caplog):
    scheduler = PeriodicScheduler({"convene.no_such.task": 60})
    assert scheduler.tick_once(now=T0) == []
    assert "Could not enqueue the periodic tasks" in caplog.text
    assert not PeriodicRun.objects.exists()


# The queue worker drops and reopens connections as it goes (close_old_connections),
# which only a test outside one wrapping transaction allows.
@pytest.mark.django_db(transaction=True)
def test_worker_once_runs_the_sweep_through_the_queue(partnership, people):
    clock = make_clock(
        partnership,
        policy_id="england",
        started_at=datetime(2026, 11, 30, 9, tzinfo=LONDON),
        due_at=end_of_day(date(2026, 12, 2)),
    )
    with time_machine.travel(datetime(2026, 12, 10, 9, tzinfo=LONDON)):
        call_command("worker", once=True, verbosity=0)
    clock.refresh_from_db()
    assert clock.state == Clock.State.BREACHED
    assert Escalation.objects.filter(clock=clock).count() == 2  # long past: both levels
    assert not Delivery.objects.filter(channel="email").exclude(state="sent").exists()
    result = DBTaskResult.objects.get(task_path=SWEEP)
    assert result.status == "SUCCESSFUL"
    assert result.return_value["escalations"] == 2
    assert result.return_value["sent"] > 0
    # A second run in the same slot enqueues no second sweep.
    with time_machine.travel(datetime(2026, 12, 10, 9, 0, 5, tzinfo=LONDON)):
        call_command("worker", once=True, verbosity=0)
    assert DBTaskResult.objects.filter(task_path=SWEEP).count() == 1


@pytest.mark.django_db(transaction=True)
def test_worker_on_an_empty_database_does_nothing_wrong():
    call_command("worker", once=True, verbosity=0)
    assert set(DBTaskResult.objects.values_list("task_path", "status")) == {
        (SWEEP, "SUCCESSFUL"),
        ("convene.reminders.tasks.prune_task_results", "SUCCESSFUL"),
        ("convene.reminders.tasks.recover_stale_tasks", "SUCCESSFUL"),
        # Issue 12: the audit chain's head to the anchor file, and expired form tokens.
        ("convene.audit.tasks.write_anchor", "SUCCESSFUL"),
        ("convene.core.tasks.prune_once_keys", "SUCCESSFUL"),
        # Issue 14: webhook deliveries due (none here).
        ("convene.api.tasks.send_webhooks", "SUCCESSFUL"),
    }
    result = DBTaskResult.objects.get(task_path=SWEEP)
    assert result.return_value == {
        "breached": 0,
        "escalations": 0,
        "reminders": 0,
        "sent": 0,
        "recovered": 0,
        "retried": 0,
        "failed": 0,
        "withdrawn": 0,
        "skipped": 0,
    }


def test_finished_task_results_are_pruned_after_two_weeks():
    old = sweep.enqueue()
    DBTaskResult.objects.filter(pk=old.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=15)
    )
    recent = sweep.enqueue()
    DBTaskResult.objects.filter(pk=recent.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=13)
    )
    assert prune_task_results.call() == 1
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [uuid.UUID(recent.id)]


def test_worker_refuses_an_empty_queue_list():
    with pytest.raises(CommandError, match="--queue-name"):
        call_command("worker", once=True, queue_name=" , ", verbosity=0)


def test_the_sweep_task_uses_the_time_now(partnership, people):
    make_clock(
        partnership,
        started_at=timezone.now() - timedelta(days=3),
        due_at=timezone.now() - timedelta(minutes=1),
    )
    assert sweep.call()["breached"] == 1


def test_serve_starts_the_worker_beside_the_server_and_stops_it():
    process = mock.Mock(pid=4242)
    process.poll.return_value = None
    process.wait.return_value = 0
    before = signal.getsignal(signal.SIGTERM)
    with (
        mock.patch.object(serve.subprocess, "Popen", return_value=process) as popen,
        mock.patch.object(serve, "call_command") as call,
    ):
        call_command("serve", "127.0.0.1:8001", stdout=StringIO())
    popen.assert_called_once_with([sys.executable, "-m", "convene.cli", "worker"])
    assert [c.args[0] for c in call.call_args_list] == ["migrate", "runserver"]
    process.terminate.assert_called_once()
    assert signal.getsignal(signal.SIGTERM) == before


def test_serve_without_the_worker():
    with (
        mock.patch.object(serve.subprocess, "Popen") as popen,
        mock.patch.object(serve, "call_command"),
    ):
        call_command("serve", "--no-worker", stdout=StringIO())
    popen.assert_not_called()


def test_the_worker_is_stopped_even_when_the_server_fails():
    process = mock.Mock(pid=4242)
    process.poll.return_value = None
    with (
        mock.patch.object(serve.subprocess, "Popen", return_value=process),
        mock.patch.object(serve, "call_command", side_effect=[None, OSError("port in use")]),
        pytest.raises(OSError, match="port in use"),
    ):
        call_command("serve", stdout=StringIO())
    process.terminate.assert_called_once()


def test_stop_worker_insists_on_a_worker_that_will_not_stop(monkeypatch):
    monkeypatch.setattr(serve, "WORKER_STOP_SECONDS", 0.5)
    stubborn = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    assert stubborn.stdout.readline().strip() == b"ready"
    assert serve.stop_worker(stubborn) == -9
    stubborn.stdout.close()


def _graceful_worker() -> GracefulWorker:
    return GracefulWorker(
        queue_names=["*"],
        interval=0.1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def test_the_first_stop_signal_lets_the_statement_in_hand_finish():
    # The library exits at once when idle, which can cut a COMMIT in half (CI, stop 26).
    worker = _graceful_worker()
    worker.shutdown(signal.SIGTERM, None)  # no SystemExit here
    assert worker.running is False


def test_a_second_stop_signal_stops_the_worker_at_once():
    worker = _graceful_worker()
    worker.shutdown(signal.SIGTERM, None)
    with mock.patch.object(worker, "reset_signals"), pytest.raises(SystemExit):
        worker.shutdown(signal.SIGTERM, None)


def test_the_worker_runs_the_checks_for_what_it_uses_but_not_the_url_checks():
    """docs/decisions/0019: a worker serves no page, so it does not import every view to
    check the URL configuration at each start; `convene serve` still runs every check."""
    from django.core.checks import Tags
    from django.core.management.base import ALL_CHECKS

    from convene.reminders.management.commands.worker import Command as Worker

    assert Tags.urls not in Worker.requires_system_checks
    assert {Tags.models, Tags.caches, Tags.security} <= set(Worker.requires_system_checks)
    assert serve.Command.requires_system_checks == ALL_CHECKS
