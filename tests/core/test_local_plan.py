"""Planner settings for one transaction (``convene.core.plans``, issue 15): set inside,
gone after, and only the settings a read may change."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone

from convene.allocation import selectors as allocation_selectors
from convene.allocation import work
from convene.core.plans import local_plan, walks_in_one_process
from convene.referrals.models import Referral
from tests.convening import accepted_referral

pytestmark = pytest.mark.django_db


def _show(name):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_the_settings_hold_inside_and_are_gone_after():
    before = _show("max_parallel_workers_per_gather")
    with walks_in_one_process():
        assert _show("max_parallel_workers_per_gather") == "0"
    assert _show("max_parallel_workers_per_gather") == before
    with local_plan(cursor_tuple_fraction=1.0):
        assert float(_show("cursor_tuple_fraction")) == 1.0
    assert float(_show("cursor_tuple_fraction")) != 1.0 or before is None


@pytest.mark.parametrize(
    "settings",
    [{"work_mem": 1}, {"max_parallel_workers_per_gather": "0; DROP TABLE x"}, {"jit": True}],
)
def test_only_the_planner_settings_a_read_may_change_as_numbers(settings):
    with pytest.raises(ValueError, match="Not planner settings"), local_plan(**settings):
        pass


@pytest.mark.parametrize("walked", [False, True])
def test_a_caseload_walked_is_walked_in_one_process(
    people, partnership, agencies, monkeypatch, walked
):
    """A manager's caseload (too many to list) is walked section by section, each in one
    process; a caseload listed by id is not (its sections start from its own rows)."""
    # Triaged by bob, who recorded none: his to convene.
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    assert Referral.objects.get(pk=referral.pk).held_by_id == people["bob"].pk
    if walked:  # one case is many
        monkeypatch.setattr(allocation_selectors, "CASES_LISTED", 0)
    entered = []

    @contextmanager
    def recording():
        entered.append(True)
        yield

    monkeypatch.setattr(work, "walks_in_one_process", recording)
    rows = work.work_for(user=people["bob"], now=timezone.now())
    assert any(referral.reference in r.what for r in rows)
    assert entered == ([True] if walked else [])
