"""Reminders reach the people responsible, not every manager (issue 18, R004.8).

Before the due time: whoever answers for the subject (the allocated social worker,
the chair, the action's owner). Overdue: they and the first rung of the pack's
escalation ladder. Nobody responsible: the team managers, as before. Need-to-know
still comes first: a restricted case reaches only the people named on it.
"""

from datetime import date, datetime, timedelta

import pytest

from convene.allocation.services import allocation_change
from convene.clocks.reminders import clock_reminders_decide
from convene.clocks.sweep import sweep_run
from convene.reminders.models import Delivery
from convene.workdays import LONDON, end_of_day
from tests.clocks.helpers import make_clock
from tests.convening import make_referral

pytestmark = pytest.mark.django_db

STARTED = datetime(2026, 11, 27, 9, tzinfo=LONDON)
DUE = end_of_day(date(2026, 12, 2))
TOMORROW = datetime(2026, 12, 1, 9, tzinfo=LONDON)


def reminded(clock, kind):
    return set(
        Delivery.objects.filter(
            source_type__model="clock", source_id=clock.pk, kind=kind, channel="in_app"
        ).values_list("recipient__username", flat=True)
    )


def allocated_clock(people, partnership, agencies, *, worker="alice", named=(), **kwargs):
    referral = make_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        named=named,
        now=STARTED,
        received_at=STARTED - timedelta(hours=1),
        **kwargs,
    )
    allocation_change(
        subject=referral,
        social_worker=people[worker],
        team=None,
        reason="Holds the case",
        by=people["bob"],
        now=STARTED,
    )
    return make_clock(partnership, started_at=STARTED, due_at=DUE, subject=referral)


def test_the_allocated_worker_is_reminded_and_a_manager_not_responsible_is_not(
    partnership, people, agencies
):
    clock = allocated_clock(people, partnership, agencies)
    clock_reminders_decide(now=TOMORROW)
    assert reminded(clock, "due_tomorrow") == {"alice"}


def test_overdue_goes_up_the_escalation_ladder_too(partnership, people, agencies):
    clock = allocated_clock(people, partnership, agencies)
    sweep_run(now=DUE + timedelta(seconds=1), send=False)
    overdue = reminded(clock, "overdue")
    assert "alice" in overdue
    assert "bob" in overdue  # the team manager: the pack's first rung
    assert "hana" not in overdue  # the head of service is a later rung, by escalation


def test_nobody_allocated_falls_back_to_the_managers(partnership, people, agencies):
    referral = make_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        now=STARTED,
        received_at=STARTED - timedelta(hours=1),
    )
    clock = make_clock(partnership, started_at=STARTED, due_at=DUE, subject=referral)
    clock_reminders_decide(now=TOMORROW)
    assert reminded(clock, "due_tomorrow") == {"bob", "dina"}


def test_a_restricted_case_reaches_only_the_named_people(partnership, people, agencies):
    clock = allocated_clock(
        people,
        partnership,
        agencies,
        worker="dina",
        named=("dina",),
        categories=["allegation_against_staff"],
    )
    sweep_run(now=DUE + timedelta(seconds=1), send=False)
    assert reminded(clock, "overdue") == {"dina"}  # bob, the team manager, is not named on it


def test_a_due_notice_goes_stale_when_the_thing_is_done(partnership, people, agencies):
    from convene.clocks.services import clock_meet
    from convene.reminders.notices import notices_page, notices_unread_count
    from convene.reminders.selectors import notifications_for

    clock = allocated_clock(people, partnership, agencies)
    clock_reminders_decide(now=TOMORROW)
    alice = people["alice"]
    assert notifications_for(user=alice).filter(source_id=clock.pk).exists()
    before = notices_unread_count(user=alice)
    clock_meet(clock=clock, at=TOMORROW + timedelta(hours=1), by=alice)
    assert not notifications_for(user=alice).filter(source_id=clock.pk).exists()
    assert all(n.source_id != clock.pk for n in notices_page(user=alice, before=None).notices)
    assert notices_unread_count(user=alice) == before - 1
