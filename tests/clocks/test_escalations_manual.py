"""Escalations raised by people, acknowledged and resolved with an outcome (R004.8)."""

from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from convene.clocks.escalations import (
    NOTICE_ACKNOWLEDGED,
    NOTICE_RAISED,
    NOTICE_RESOLVED,
    EscalationError,
    escalation_acknowledge,
    escalation_raise,
    escalation_resolve,
)
from convene.clocks.models import Escalation
from convene.clocks.sweep import sweep_run
from convene.reminders.models import Delivery
from convene.workdays import LONDON
from tests.clocks.helpers import make_clock

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)
P2SC = Escalation.Direction.PARTNER_TO_SOCIAL_CARE
SC2P = Escalation.Direction.SOCIAL_CARE_TO_PARTNER


def raise_by_police(partnership, people, **overrides):
    fields = {
        "by": people["carol"],
        "partnership": partnership,
        "direction": P2SC,
        "what_is_late": "Strategy discussion requested on Monday not yet held",
        "details": "We asked for a discussion on Monday; nobody has called back.",
        "now": NOW,
    }
    fields.update(overrides)
    return escalation_raise(**fields)


def notices(escalation, kind):
    return Delivery.objects.filter(source_id=escalation.pk, kind=kind).exclude(
        source_type__model="clock"
    )


def test_R004_8_partner_escalates_social_care_acknowledges_and_resolves(
    partnership, people, agencies
):
    escalation = raise_by_police(partnership, people)
    assert escalation.state == Escalation.State.RAISED
    assert escalation.raised_by_agency == agencies["police"]
    assert {p.username for p in escalation.addressed_to.all()} == {"bob"}
    assert list(escalation.addressed_agencies.all()) == [agencies["csc"]]
    assert escalation.rule_id == "halton.escalation.convene"
    assert escalation.responsible == agencies["csc"].name
    raised = notices(escalation, NOTICE_RAISED)
    assert {(d.channel, d.recipient_key) for d in raised} >= {
        ("in_app", f"professional:{people['bob'].pk}"),
        ("email", f"professional:{people['bob'].pk}"),
    }
    # The email holds nothing typed by the raiser (it may name a child).
    assert all("Monday" not in d.body and "Monday" not in d.subject for d in raised)

    later = NOW + timedelta(hours=2)
    escalation = escalation_acknowledge(escalation=escalation, by=people["bob"], now=later)
    assert (escalation.state, escalation.acknowledged_by) == ("acknowledged", people["bob"])
    assert [d.recipient for d in notices(escalation, NOTICE_ACKNOWLEDGED)] == [people["carol"]] * 2

    escalation = escalation_resolve(
        escalation=escalation,
        by=people["hana"],
        outcome="Discussion held Thursday 14:00 with police and health.",
        now=later + timedelta(hours=1),
    )
    assert escalation.state == Escalation.State.RESOLVED
    assert escalation.resolved_by == people["hana"]
    assert escalation.outcome.startswith("Discussion held")
    assert notices(escalation, NOTICE_RESOLVED).filter(recipient=people["carol"]).exists()


def test_resolving_without_an_outcome_is_refused_and_changes_nothing(partnership, people):
    escalation = raise_by_police(partnership, people)
    for outcome in ("", "   \n "):
        with pytest.raises(EscalationError, match="Enter the outcome") as error:
            escalation_resolve(escalation=escalation, by=people["bob"], outcome=outcome, now=NOW)
        assert error.value.field == "outcome"
    escalation.refresh_from_db()
    assert escalation.state == Escalation.State.RAISED
    assert escalation.acknowledged_at is None
    assert not notices(escalation, NOTICE_RESOLVED).exists()


def test_resolving_a_raised_escalation_acknowledges_it_too(partnership, people):
    escalation = raise_by_police(partnership, people)
    escalation = escalation_resolve(
        escalation=escalation, by=people["bob"], outcome="Held today", now=NOW
    )
    assert escalation.acknowledged_by == people["bob"]
    assert escalation.acknowledged_at == escalation.resolved_at == NOW


def test_acknowledging_or_resolving_twice_is_refused(partnership, people):
    escalation = raise_by_police(partnership, people)
    escalation_acknowledge(escalation=escalation, by=people["bob"], now=NOW)
    with pytest.raises(EscalationError, match="already been acknowledged"):
        escalation_acknowledge(escalation=escalation, by=people["hana"], now=NOW)
    escalation_resolve(escalation=escalation, by=people["bob"], outcome="Done", now=NOW)
    with pytest.raises(EscalationError, match="already been resolved"):
        escalation_resolve(escalation=escalation, by=people["bob"], outcome="Again", now=NOW)


@pytest.mark.parametrize("username", ["carol", "alice", "dev", "nick"])
def test_only_the_addressed_side_acts(partnership, people, username):
    # carol raised it; alice is a social worker, not a manager; dev is health;
    # nick works for the neighbouring partnership.
    escalation = raise_by_police(partnership, people)
    with pytest.raises(EscalationError, match="cannot acknowledge"):
        escalation_acknowledge(escalation=escalation, by=people[username], now=NOW)
    with pytest.raises(EscalationError, match="cannot resolve"):
        escalation_resolve(escalation=escalation, by=people[username], outcome="x", now=NOW)


def test_R004_8_social_care_escalates_to_a_partner_that_has_not_acted(
    partnership, people, agencies
):
    escalation = escalation_raise(
        by=people["bob"],
        partnership=partnership,
        direction=SC2P,
        agency=agencies["community"],
        what_is_late="Health chronology not shared",
        details="Agreed at the discussion on 1 December, due yesterday.",
        now=NOW,
    )
    assert list(escalation.addressed_agencies.all()) == [agencies["community"]]
    assert escalation.rule_id == "halton.escalation.partner_actions"
    assert escalation.responsible == agencies["community"].name
    email = notices(escalation, NOTICE_RAISED).get()
    assert email.to_address == agencies["community"].email
    # Someone of the named agency may acknowledge; the police may not.
    escalation_acknowledge(escalation=escalation, by=people["dev"], now=NOW)
    with pytest.raises(EscalationError):
        escalation_resolve(escalation=escalation, by=people["carol"], outcome="x", now=NOW)
    escalation_resolve(escalation=escalation, by=people["bob"], outcome="Shared today", now=NOW)


@pytest.mark.parametrize(
    ("username", "overrides", "message"),
    [
        ("bob", {}, "Children's social care escalates to a partner agency"),
        ("carol", {"direction": SC2P}, "Only children's social care escalates"),
        ("carol", {"direction": "automatic"}, "Choose who you are escalating to"),
        ("carol", {"what_is_late": "  "}, "Enter what is late"),
        ("carol", {"details": ""}, "Enter why you are escalating"),
        ("bob", {"direction": SC2P}, "Select the agency you are escalating to"),
        ("nick", {}, "cannot raise an escalation for this partnership"),
    ],
)
def test_raising_checks_who_and_what(partnership, people, username, overrides, message):
    with pytest.raises(EscalationError, match=message):
        raise_by_police(partnership, people, by=people[username], **overrides)
    assert not Escalation.objects.exists()
    assert not Delivery.objects.exists()


def test_social_care_cannot_escalate_to_itself_or_an_agency_outside_the_partnership(
    partnership, people, agencies
):
    for agency in (agencies["csc"], agencies["northvale_csc"]):
        with pytest.raises(EscalationError, match="Select a partner agency"):
            raise_by_police(partnership, people, by=people["bob"], direction=SC2P, agency=agency)


def test_a_manual_escalation_about_a_clock_says_how_late(partnership, people):
    clock = make_clock(
        partnership, started_at=NOW - timedelta(days=5), due_at=NOW - timedelta(days=2)
    )
    sweep_run(now=NOW - timedelta(days=1), send=False)
    escalation = raise_by_police(
        partnership,
        people,
        by=people["bob"],
        direction=SC2P,
        agency=clock.partnership.agencies.get(kind="police"),
        clock=clock,
    )
    assert escalation.clock == clock
    assert escalation.subject == clock.subject
    assert escalation.how_late == "overdue by 2 days"
    # A partner may not attach a clock it cannot see.
    with pytest.raises(EscalationError, match="cannot escalate this timescale"):
        raise_by_police(partnership, people, clock=clock)


def test_the_database_keeps_the_invariants(partnership, people):
    escalation = raise_by_police(partnership, people)
    rows = Escalation.objects.filter(pk=escalation.pk)
    for change in (
        {"state": "acknowledged"},  # no who or when
        {"state": "resolved", "resolved_at": NOW, "resolved_by": people["bob"]},  # no outcome
        {"acknowledged_at": NOW},  # acknowledged_at while raised
        {"direction": "automatic"},  # automatic with a raiser and no clock
        {"details": ""},  # a manual one says why
        {"level": 0},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            rows.update(**change)


def test_a_person_raising_one_queues_the_emails_at_once(
    partnership, people, django_capture_on_commit_callbacks, database_task_queue
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        raise_by_police(partnership, people)
    assert len(callbacks) == 1
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "convene.reminders.tasks.send_deliveries"
    assert queued.status == "READY"
