"""Raising, acknowledging and resolving an escalation are in the audit log (issue 7).

An escalation about a referral, discussion or action is written once for each
child it concerns; one raised by the sweep names Convene as its author.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from convene.audit.context import AuditContext
from convene.audit.models import Action, AuditEntry
from convene.clocks import escalations
from convene.clocks.escalation_sweep import escalations_raise_due
from convene.clocks.escalations import (
    AUTOMATIC_ACTOR,
    EscalationError,
    escalation_acknowledge,
    escalation_raise,
    escalation_resolve,
)
from convene.clocks.models import Escalation
from convene.clocks.services import clocks_sweep
from convene.people.factories import ChildFactory
from convene.policy.vocab import ClockKind
from convene.referrals.selectors import referral_convene_clock
from convene.workdays import LONDON
from tests.clocks.helpers import make_clock
from tests.convening import accepted_referral

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)
ADDRESS = "2001:db8::7"


@pytest.fixture
def context_from(rf):
    return AuditContext.from_request(rf.post("/", REMOTE_ADDR=ADDRESS))


@pytest.fixture
def referral(people, partnership, agencies):
    children = [
        ChildFactory(partnership=partnership, setting=agencies["primary"]),
        ChildFactory(partnership=partnership),
    ]
    return accepted_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        children=children,
        now=NOW - timedelta(days=10),
        received_at=NOW - timedelta(days=10, hours=1),
    )


def entries_about(escalation):
    return AuditEntry.objects.filter(
        object_type="clocks.escalation", object_id=str(escalation.pk)
    ).order_by("sequence")


def test_raise_acknowledge_and_resolve_each_write_an_entry_per_child(
    people, partnership, referral, context_from
):
    clock = referral_convene_clock(referral=referral)
    escalation = escalation_raise(
        by=people["carol"],
        partnership=partnership,
        direction=Escalation.Direction.PARTNER_TO_SOCIAL_CARE,
        what_is_late="The strategy discussion",
        details="Asked on Monday",
        clock=None,
        now=NOW,
        context=context_from,
    )
    # The police cannot see the referral's clock; social care escalates against it.
    against_clock = escalation_raise(
        by=people["bob"],
        partnership=partnership,
        direction=Escalation.Direction.SOCIAL_CARE_TO_PARTNER,
        agency=people["carol"].agency,
        what_is_late="Police checks",
        details="Not back",
        clock=clock,
        now=NOW,
        context=context_from,
    )
    escalation_acknowledge(escalation=against_clock, by=people["carol"], now=NOW)
    escalation_resolve(
        escalation=against_clock,
        by=people["carol"],
        outcome="Checks done",
        now=NOW,
        context=context_from,
    )
    no_child = entries_about(escalation).get()
    assert (no_child.action, no_child.actor, no_child.child_id) == (
        Action.CREATE,
        people["carol"],
        None,
    )
    assert no_child.remote_addr == ADDRESS
    assert no_child.summary == (
        "Raised an escalation: a partner agency to children's social care "
        f"(escalation {escalation.pk})"
    )
    entries = list(entries_about(against_clock))
    children = sorted(referral.children.values_list("pk", flat=True))
    assert [(e.action, e.actor.username, e.child_id) for e in entries] == [
        (Action.CREATE, "bob", children[0]),
        (Action.CREATE, "bob", children[1]),
        (Action.CHANGE, "carol", children[0]),
        (Action.CHANGE, "carol", children[1]),
        (Action.CHANGE, "carol", children[0]),
        (Action.CHANGE, "carol", children[1]),
    ]
    assert entries[2].summary.startswith("Acknowledged")
    assert entries[4].summary.startswith("Resolved with the outcome recorded")
    assert "Checks done" not in entries[4].summary


def test_a_refused_change_writes_no_entry(people, partnership):
    escalation = escalation_raise(
        by=people["carol"],
        partnership=partnership,
        direction=Escalation.Direction.PARTNER_TO_SOCIAL_CARE,
        what_is_late="x",
        details="y",
        now=NOW,
    )
    before = AuditEntry.objects.count()
    with pytest.raises(EscalationError):
        escalation_acknowledge(escalation=escalation, by=people["carol"], now=NOW)
    with pytest.raises(EscalationError):
        escalation_resolve(escalation=escalation, by=people["bob"], outcome=" ", now=NOW)
    assert AuditEntry.objects.count() == before


def test_the_entry_rolls_back_when_the_change_fails_after_it(people, partnership, monkeypatch):
    escalation = escalation_raise(
        by=people["carol"],
        partnership=partnership,
        direction=Escalation.Direction.PARTNER_TO_SOCIAL_CARE,
        what_is_late="x",
        details="y",
        now=NOW,
    )
    before = AuditEntry.objects.count()

    def fail(*args, **kwargs):
        raise RuntimeError("the outbox is full")

    monkeypatch.setattr(escalations.answers, "_notify", fail)
    with pytest.raises(RuntimeError):
        escalation_acknowledge(escalation=escalation, by=people["bob"], now=NOW)
    assert AuditEntry.objects.count() == before
    assert Escalation.objects.get(pk=escalation.pk).state == Escalation.State.RAISED


def test_an_automatic_escalation_names_convene_and_the_child(people, partnership):
    child = ChildFactory(partnership=partnership)
    make_clock(
        partnership,
        subject=child,
        started_at=NOW - timedelta(days=10),
        due_at=NOW - timedelta(days=5),
        kind=ClockKind.CONVENE,
    )
    clocks_sweep(now=NOW)
    [raised, *_] = escalations_raise_due(now=NOW)
    entry = entries_about(raised).first()
    assert entry.actor is None
    assert entry.actor_username == AUTOMATIC_ACTOR
    assert entry.child_id == child.pk
    assert entry.summary.startswith("Raised automatically, level 1")
