"""Each decision from held to confirmed, with the clocks it starts (service level)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from convene.clocks.models import Clock
from convene.policy.vocab import Decision
from convene.records import services
from convene.records.models import Action, Confirmation, RecordEvent, RecordVersion
from convene.reminders.services import deliveries_send
from convene.workdays import LONDON
from tests.records.conftest import AFTER, HELD_AT, fill

pytestmark = pytest.mark.django_db


def _clocks(subject) -> dict[str, Clock]:
    return {
        c.kind: c
        for c in Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        ).exclude(state=Clock.State.WAIVED)
    }


def _london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _through(record, people, decision):
    fill(record, people, decision)
    version = services.record_authorise(record=record, by=people["bob"], now=AFTER)
    services.record_distribute(record=record, by=people["bob"], now=AFTER + timedelta(minutes=5))
    deliveries_send(now=timezone.now())  # the outcome notices leave: told means told (R002.9)
    for name in ("alice", "carol", "dev", "erin"):
        services.record_confirm(
            record=record, accurate=True, by=people[name], now=AFTER + timedelta(hours=2)
        )
    record.discussion.refresh_from_db()
    return version


def test_R003_8_R002_12_s47_joint_starts_visit_and_icpc_clocks(make_record, people):
    record = make_record(pack="warwickshire")
    version = _through(record, people, Decision.S47_JOINT)
    assert record.discussion.state == "confirmed"
    clocks = _clocks(record.discussion)
    # Held 13:00 Wednesday 4 March 2026: visit within 24 hours, ICPC within 15 working days.
    assert clocks["s47_visit"].due_at == HELD_AT + timedelta(hours=24)
    assert clocks["s47_visit"].rule_id == "warwickshire.s47_visit"
    assert "R003.8" in clocks["s47_visit"].citation
    assert clocks["icpc"].due_at == _london(2026, 3, 25, 23, 59, 59)
    assert clocks["icpc"].policy_id == "warwickshire"
    assert clocks["icpc"].policy_version == "2026.1"
    assert clocks["record_distributed"].state == Clock.State.MET
    assert clocks["outcome_notified"].state == Clock.State.MET
    assert "reconvene" not in clocks
    assert version.decision == "s47_joint"
    action = Action.objects.get(record=record)
    assert _clocks(action)["action_due"].due_at == _london(2026, 3, 5, 23, 59, 59)
    assert [e.to_state for e in RecordEvent.objects.filter(record=record)] == [
        "held",
        "recorded",
        "authorised",
        "distributed",
        "confirmed",
    ]


def test_R002_5_s47_single_agency_starts_the_icpc_clock(make_record, people):
    record = make_record(pack="halton")
    _through(record, people, Decision.S47_SINGLE_AGENCY)
    clocks = _clocks(record.discussion)
    assert clocks["icpc"].due_at == _london(2026, 3, 25, 23, 59, 59)
    # Halton sets no number for the visit: the England default, 24 clock hours.
    assert clocks["s47_visit"].rule_id == "england.s47_visit"
    assert clocks["s47_visit"].due_at == record.held_at + timedelta(hours=24)


def test_R002_13_single_assessment_starts_the_reconvene_clock(make_record, people):
    record = make_record(pack="halton")
    _through(record, people, Decision.SINGLE_ASSESSMENT)
    clocks = _clocks(record.discussion)
    assert clocks["reconvene"].due_at == _london(2026, 4, 1, 23, 59, 59)
    assert clocks["reconvene"].rule_id == "qs2014.reconvene"
    assert "icpc" not in clocks
    assert "s47_visit" not in clocks


@pytest.mark.parametrize("decision", [Decision.CHILD_IN_NEED, Decision.NO_FURTHER_ACTION])
def test_R003_9_child_in_need_and_nfa_start_no_follow_on_clock(make_record, people, decision):
    record = make_record(pack="gloucestershire")
    version = _through(record, people, decision)
    assert record.discussion.state == "confirmed"
    assert {"icpc", "s47_visit", "reconvene"}.isdisjoint(_clocks(record.discussion))
    assert version.snapshot["decision"] == decision.value


def test_R001_14_child_in_care_gets_an_hrpm_consideration_task(make_record, people):
    record = make_record(pack="gloucestershire", legal_status="child_in_care")
    _through(record, people, Decision.S47_SINGLE_AGENCY)
    task = Action.objects.get(record=record, kind=Action.Kind.HRPM)
    assert task.owner_professional == people["bob"]
    assert str(task.due_on) == "2026-03-18"
    assert "High Risk Planning Meeting" in task.what
    assert _clocks(task)["action_due"].state == Clock.State.PENDING
    # A child in care has their care plan reviewed, not an ICPC (R000.2c).
    assert "icpc" not in _clocks(record.discussion)


def test_R001_9_a_correction_request_holds_confirmation_until_resolved(make_record, people):
    record = make_record()
    fill(record, people, Decision.CHILD_IN_NEED)
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    services.record_distribute(record=record, by=people["bob"], now=AFTER)
    for name in ("alice", "dev", "erin"):
        services.record_confirm(record=record, accurate=True, by=people[name], now=AFTER)
    asked = services.record_confirm(
        record=record, accurate=False, comment="I am a DC, not a PC", by=people["carol"], now=AFTER
    )
    record.discussion.refresh_from_db()
    assert record.discussion.state == "distributed"
    services.confirmation_resolve(
        confirmation=asked, note="The record says DC already", by=people["bob"], now=AFTER
    )
    record.discussion.refresh_from_db()
    assert record.discussion.state == "confirmed"
    assert Confirmation.objects.get(pk=asked.pk).resolution == "no_change"


def test_only_attendees_confirm_and_only_once(make_record, people):
    from convene.core.errors import Conflict, Invalid, NotAllowed

    record = make_record(invitees=("alice", "carol", "dev"))
    fill(record, people, Decision.NO_FURTHER_ACTION)
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    with pytest.raises(Conflict):
        services.record_confirm(record=record, accurate=True, by=people["carol"], now=AFTER)
    services.record_distribute(record=record, by=people["bob"], now=AFTER)
    with pytest.raises(NotAllowed):
        services.record_confirm(record=record, accurate=True, by=people["erin"], now=AFTER)
    with pytest.raises(Invalid):
        services.record_confirm(record=record, accurate=False, by=people["carol"], now=AFTER)
    services.record_confirm(record=record, accurate=True, by=people["carol"], now=AFTER)
    with pytest.raises(Conflict):
        services.record_confirm(record=record, accurate=True, by=people["carol"], now=AFTER)
    assert RecordVersion.objects.get(record=record).distributed_at == AFTER
