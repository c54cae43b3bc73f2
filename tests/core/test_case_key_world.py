"""Every clock the services start, and every escalation raised from one, carries the key of
its case (referral); the migration's backfill writes the same keys into rows that have none
(issue 15). Over the matrix world: every kind of record built by the apps' own services."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps

from convene.clocks.models import Clock, Escalation
from convene.clocks.subjects import case_key_of, case_paths
from convene.clocks.sweep import sweep_run
from tests.access_matrix import World
from tests.matrix_world import AFTER

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("convene.clocks.migrations.0010_case_key")


def _expected(row: Clock | Escalation) -> int | None:
    """The case key from the row's subject, by the path its app registered."""
    subject_model = row.subject_type.model_class() if row.subject_type_id else None
    path = case_paths().get(subject_model) if subject_model else None
    if path is None:
        return None
    return subject_model._default_manager.filter(pk=row.subject_id).values_list(path, flat=True)[0]


def _keys(model: type[Clock] | type[Escalation]) -> dict[int, int | None]:
    return dict(model.objects.values_list("pk", "case_referral"))


def test_every_clock_and_escalation_the_services_write_carries_its_case_key(world: World):
    # The matrix world is built by the apps' services (referrals, discussions, records,
    # S47s, ICPCs, HRPMs, agency checks, manual escalations); the sweep then raises the
    # automatic escalations of whatever is late.
    sweep_run(now=AFTER + timedelta(days=40), send=False)
    clocks = list(Clock.objects.select_related("subject_type"))
    kinds = {clock.subject_type.model for clock in clocks if clock.case_referral_id}
    assert {"referral", "discussion"} <= kinds
    for clock in clocks:
        assert clock.case_referral_id == _expected(clock), (clock.subject_type.model, clock.pk)
        assert clock.case_referral_id == case_key_of(clock.subject)
    escalations = list(Escalation.objects.select_related("subject_type", "clock"))
    assert any(e.is_automatic and e.case_referral_id for e in escalations)
    for escalation in escalations:
        assert escalation.case_referral_id == _expected(escalation)
        if escalation.clock is not None:
            assert escalation.case_referral_id == escalation.clock.case_referral_id


def test_the_backfill_writes_the_same_keys_into_rows_without_them(world: World):
    sweep_run(now=AFTER + timedelta(days=40), send=False)
    clocks, escalations = _keys(Clock), _keys(Escalation)
    assert any(clocks.values())
    assert any(escalations.values())
    Clock.objects.update(case_referral=None)
    Escalation.objects.update(case_referral=None)

    backfill.case_keys_fill(apps)

    assert _keys(Clock) == clocks
    assert _keys(Escalation) == escalations
    # The migration names every path the apps register today: none is left unfilled.
    registered = {
        (model._meta.app_label, model._meta.model_name): path
        for model, path in case_paths().items()
    }
    assert registered == backfill.CASE_PATHS
