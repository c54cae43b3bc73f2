"""bench/load.py holds the worker's audit anchor off for a run (``hold_off_the_anchor``): with
the run's own key it re-verified the whole chain and refused it, a core for half a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from bench.load import ANCHOR_TASK, hold_off_the_anchor
from convene.reminders.models import PeriodicRun
from convene.reminders.services import periodic_enqueue_due

pytestmark = pytest.mark.django_db

EVERY = 600


def test_the_anchor_is_not_enqueued_during_the_run_and_is_after_it(settings):
    settings.CONVENE_PERIODIC_TASKS = {ANCHOR_TASK: EVERY}
    schedule = {ANCHOR_TASK: EVERY}
    now = timezone.now()
    run = 1_500  # seconds: slots of the run's start, its end and those between
    assert hold_off_the_anchor(run) >= run // EVERY + 1
    for offset in range(0, run + 1, 60):
        assert periodic_enqueue_due(now=now + timedelta(seconds=offset), schedule=schedule) == []
    after = now + timedelta(seconds=run + 2 * EVERY)
    assert periodic_enqueue_due(now=after, schedule=schedule) == [ANCHOR_TASK]
    assert PeriodicRun.objects.filter(task_path=ANCHOR_TASK, slot_start__gt=now).count() >= 2


@time_machine.travel("2026-12-06 15:01:00+00:00", tick=False)  # not at a slot's edge
def test_holding_it_off_twice_marks_each_slot_once(settings):
    settings.CONVENE_PERIODIC_TASKS = {ANCHOR_TASK: EVERY}
    first = hold_off_the_anchor(EVERY)
    assert hold_off_the_anchor(EVERY) == first
    assert PeriodicRun.objects.filter(task_path=ANCHOR_TASK).count() == first
