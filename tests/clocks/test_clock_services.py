from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from convene.clocks import services
from convene.clocks.models import Clock
from convene.clocks.status import Rag
from convene.people.factories import ChildFactory
from convene.policy.vocab import ClockKind

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DUE = START + timedelta(days=3)


@pytest.fixture
def clock(partnership, people):
    subject = ChildFactory(partnership=partnership)
    return services.clock_start(
        partnership=partnership,
        subject=subject,
        kind=ClockKind.CONVENE,
        rule_id="halton.convene.standard",
        policy_id="halton",
        policy_version="2026.1",
        citation="R004.3 Halton procedures",
        summary="Held within 3 working days",
        started_at=START,
        due_at=DUE,
        by=people["alice"],
    )


def test_a_started_clock_is_pending_and_on_track(clock):
    assert clock.state == Clock.State.PENDING
    assert clock.get_status(now=START) == Rag.ON_TRACK
    assert clock.get_status(now=DUE + timedelta(seconds=1)) == Rag.OVERDUE


def test_meeting_on_time_and_twice(clock, people):
    met = services.clock_meet(clock=clock, at=DUE - timedelta(hours=1), by=people["bob"])
    assert met.state == Clock.State.MET
    assert met.get_status(now=DUE + timedelta(days=9)) == Rag.MET
    again = services.clock_meet(clock=met, at=DUE + timedelta(days=1), by=people["bob"])
    assert again.met_at == DUE - timedelta(hours=1)


def test_sweep_breaches_once_and_a_breached_clock_can_be_met_late(clock, people):
    assert services.clocks_sweep(now=DUE) == []
    breached = services.clocks_sweep(now=DUE + timedelta(minutes=1))
    assert [c.pk for c in breached] == [clock.pk]
    assert services.clocks_sweep(now=DUE + timedelta(hours=5)) == []
    clock.refresh_from_db()
    assert clock.state == Clock.State.BREACHED
    met = services.clock_meet(clock=clock, at=DUE + timedelta(hours=2), by=people["bob"])
    assert met.get_status(now=DUE + timedelta(days=1)) == Rag.MET_LATE


def test_waiving_needs_a_reason_and_changes_nothing_without_one(clock, people):
    with pytest.raises(services.ClockError, match="Enter the reason"):
        services.clock_waive(clock=clock, reason="  ", at=START, by=people["bob"])
    clock.refresh_from_db()
    assert clock.state == Clock.State.PENDING
    waived = services.clock_waive(
        clock=clock, reason="Child moved out of area", at=START, by=people["bob"]
    )
    assert waived.get_status(now=DUE + timedelta(days=1)) == Rag.WAIVED
    with pytest.raises(services.ClockError, match="waived and cannot be met"):
        services.clock_meet(clock=waived, at=START, by=people["bob"])


def test_a_met_clock_cannot_be_waived(clock, people):
    services.clock_meet(clock=clock, at=START, by=people["bob"])
    with pytest.raises(services.ClockError, match="already met"):
        services.clock_waive(clock=clock, reason="x", at=START, by=people["bob"])


def test_naive_times_are_refused(partnership, people):
    with pytest.raises(services.ClockError, match="time zone"):
        services.clock_start(
            partnership=partnership,
            subject=partnership,
            kind=ClockKind.ICPC,
            rule_id="r",
            policy_id="p",
            policy_version="1",
            citation="c",
            summary="s",
            started_at=datetime(2026, 1, 1),
            due_at=DUE,
            by=None,
        )


def test_the_database_refuses_a_waiver_without_reason(clock):
    with pytest.raises(IntegrityError), transaction.atomic():
        Clock.objects.filter(pk=clock.pk).update(state=Clock.State.WAIVED)


def test_rescind_waives_every_open_clock_of_a_subject(clock, people):
    assert (
        services.clock_rescind(
            subject=clock.subject, reason="Cancelled", at=START, by=people["bob"]
        )
        == 1
    )
    clock.refresh_from_db()
    assert clock.state == Clock.State.WAIVED
