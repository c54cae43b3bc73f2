"""An HRPM series keeps its next meeting's deadline (``Hrpm.hrpm_due_at``, issue 15): the
soonest open monthly clock, moved by each meeting recorded and cleared when the series ends,
as the migration fills it; and My work lists the series due within a week from it, for a
caseload listed by id or walked."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps

from convene.allocation import selectors as allocation_selectors
from convene.allocation import work
from convene.allocation.services import allocation_change
from convene.followup.hrpm.services import hrpm_end
from convene.followup.models import Hrpm
from tests.followup.conftest import clocks_of, london
from tests.followup.test_followup_hrpm import _create, _meet

pytestmark = pytest.mark.django_db


def _due(hrpm):
    return Hrpm.objects.get(pk=hrpm.pk).hrpm_due_at


def _open_due(hrpm):
    clock = clocks_of(hrpm).get("hrpm")
    return clock.due_at if clock is not None and clock.state in ("pending", "breached") else None


def test_the_series_keeps_its_next_meetings_deadline(child_in_care, people):
    hrpm = _create(child_in_care, people)
    assert _due(hrpm) == _open_due(hrpm)
    _meet(hrpm, people, held_at=london(2026, 1, 31, 10, 0), next_on=date(2026, 2, 27))
    first = _due(hrpm)
    assert first is not None
    assert first == _open_due(hrpm)
    _meet(
        Hrpm.objects.get(pk=hrpm.pk),
        people,
        held_at=london(2026, 2, 26, 10, 0),
        next_on=date(2026, 3, 20),
    )
    assert _due(hrpm) == _open_due(hrpm) > first  # monthly from the later meeting
    Hrpm.objects.update(hrpm_due_at=None)
    migration = importlib.import_module("convene.followup.migrations.0012_hrpm_due")
    migration.hrpm_due_fill(apps)
    assert _due(hrpm) == _open_due(hrpm) is not None
    hrpm_end(
        hrpm=Hrpm.objects.get(pk=hrpm.pk),
        reason="Risk reduced",
        by=people["alice"],
        now=london(2026, 3, 1, 9, 0),
    )
    assert _due(hrpm) is None


@pytest.mark.parametrize("plan", ["listed", "walked"])
def test_my_work_lists_the_series_due_within_a_week(child_in_care, people, monkeypatch, plan):
    if plan == "walked":
        monkeypatch.setattr(allocation_selectors, "CASES_LISTED", 0)
    hrpm = _create(child_in_care, people)
    allocation_change(
        subject=hrpm.referral,
        social_worker=people["alice"],
        team=None,
        reason="Allocated",
        by=people["bob"],
        now=london(2026, 1, 5, 10, 0),
    )
    _meet(hrpm, people, held_at=london(2026, 1, 31, 10, 0), next_on=date(2026, 2, 27))
    due = _due(hrpm)
    wanted = f"High Risk Planning Meeting {hrpm.reference}"

    def shown(now):
        return [r.what for r in work.work_unnamed(user=people["alice"], now=now)]

    assert wanted in shown(due - timedelta(days=6))
    assert wanted not in shown(due - timedelta(days=8))  # not yet within the week
    assert wanted not in [
        r.what for r in work.work_unnamed(user=people["dev"], now=due - timedelta(days=1))
    ]
