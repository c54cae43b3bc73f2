"""Every referral is on a clock from receipt (R002.2, R004.1): issue 11, point 2."""

from __future__ import annotations

from datetime import timedelta

import pytest

from convene.clocks.models import Clock, Escalation
from convene.clocks.sweep import sweep_run
from convene.referrals.selectors import referral_convene_clock, referral_triage_clock
from convene.referrals.services import (
    RiskFacts,
    referral_accept,
    referral_override,
    referral_update_facts,
)
from tests.convening import NOW, RECEIVED

pytestmark = pytest.mark.django_db


def test_R002_2_R004_1_same_day_clock_runs_from_receipt_before_anyone_triages(referral_for, people):
    referral = referral_for(categories=["serious_physical_injury"], immediate_risk=True)
    clock = referral_convene_clock(referral=referral)
    assert clock is not None, "an untriaged immediate-risk referral must be on a clock"
    assert clock.state == Clock.State.PENDING
    assert clock.rule_id == "halton.convene.immediate_risk"
    assert clock.started_at == RECEIVED
    assert clock.due_at.isoformat() == "2026-03-04T23:59:59+00:00"
    assert referral_triage_clock(referral=referral) is None

    # Accepting keeps the same clock and its start (receipt).
    referral = referral_accept(
        referral=referral, by=people["bob"], now=NOW, expected_version=referral.version
    )
    assert Clock.objects.filter(kind="convene").count() == 1
    kept = referral_convene_clock(referral=referral)
    assert (kept.pk, kept.started_at, kept.state) == (clock.pk, RECEIVED, Clock.State.PENDING)


def test_R002_2_every_other_referral_is_on_a_triage_clock_met_by_the_decision(referral_for, people):
    referral = referral_for()
    assert referral_convene_clock(referral=referral) is None
    clock = referral_triage_clock(referral=referral)
    assert clock is not None, "a referral waiting for triage must be on a clock"
    assert clock.rule_id == "england.triage"
    assert clock.started_at == RECEIVED
    # Received on a Wednesday: the end of the next working day, a Convene default.
    assert clock.due_at.isoformat() == "2026-03-05T23:59:59+00:00"

    referral = referral_accept(
        referral=referral, by=people["bob"], now=NOW, expected_version=referral.version
    )
    clock.refresh_from_db()
    assert (clock.state, clock.met_at) == (Clock.State.MET, NOW)
    assert referral_convene_clock(referral=referral).rule_id == "halton.convene.standard"


def test_R002_2_overriding_meets_the_triage_clock_and_waives_an_urgent_convene_clock(
    referral_for, people
):
    referral = referral_for()
    referral_override(
        referral=referral,
        pathway="no_strategy_discussion",
        reason="Known to the team: the bruise was seen by the GP and explained",
        by=people["bob"],
        now=NOW,
        expected_version=referral.version,
    )
    assert referral_triage_clock(referral=referral).state == Clock.State.MET

    urgent = referral_for(immediate_risk=True)
    referral_override(
        referral=urgent,
        pathway="no_strategy_discussion",
        reason="The police confirm the child is safe with her grandmother",
        by=people["bob"],
        now=NOW,
        expected_version=urgent.version,
    )
    clock = referral_convene_clock(referral=urgent)
    assert clock.state == Clock.State.WAIVED
    assert "grandmother" in clock.waived_reason


def test_R002_2_correcting_the_answers_moves_the_clock_from_triage_to_same_day(
    referral_for, people
):
    referral = referral_for()
    triage = referral_triage_clock(referral=referral)
    referral = referral_update_facts(
        referral=referral,
        categories=["physical"],
        facts=RiskFacts(significant_harm_suspected=True, immediate_risk=True),
        by=people["tom"],
        now=NOW,
        expected_version=referral.version,
    )
    triage.refresh_from_db()
    assert triage.state == Clock.State.WAIVED
    convene = referral_convene_clock(referral=referral)
    assert (convene.state, convene.started_at) == (Clock.State.PENDING, RECEIVED)


def test_R002_2_R004_8_untriaged_immediate_risk_breaches_and_escalates(referral_for):
    referral = referral_for(immediate_risk=True)
    clock = referral_convene_clock(referral=referral)
    sweep_run(now=clock.due_at + timedelta(minutes=1), send=False)
    clock.refresh_from_db()
    assert clock.state == Clock.State.BREACHED
    escalation = Escalation.objects.get(clock=clock)
    assert escalation.rule_id == "halton.escalation.convene"


def test_R002_2_R004_8_a_concern_not_triaged_in_time_escalates(referral_for):
    referral = referral_for()
    clock = referral_triage_clock(referral=referral)
    sweep_run(now=clock.due_at + timedelta(minutes=1), send=False)
    clock.refresh_from_db()
    assert clock.state == Clock.State.BREACHED
    escalation = Escalation.objects.get(clock=clock)
    assert escalation.rule_id == "england.escalation.triage"
    assert escalation.addressed_roles == ["team_manager"]
