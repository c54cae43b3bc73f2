"""Clock reminders are decided once per clock, kind and recipient, in-app and by email."""

from datetime import date, datetime, timedelta

import pytest

from convene.clocks import parties
from convene.clocks.models import Clock
from convene.clocks.parties import PartyMembers
from convene.clocks.reminders import clock_reminders_decide
from convene.clocks.services import clock_meet
from convene.clocks.sweep import sweep_run
from convene.people.models import Child
from convene.reminders.models import Delivery
from convene.workdays import LONDON, end_of_day
from tests.clocks.helpers import make_clock

pytestmark = pytest.mark.django_db

DUE = end_of_day(date(2026, 12, 2))
STARTED = datetime(2026, 11, 27, 9, tzinfo=LONDON)


def reminders(kind=None):
    rows = Delivery.objects.filter(source_type__model="clock")
    return rows.filter(kind=kind) if kind else rows


def who(rows):
    return {(d.channel, d.recipient.username) for d in rows}


MANAGERS = {
    ("in_app", "bob"),
    ("email", "bob"),
    ("in_app", "dina"),
    ("email", "dina"),
}


def test_due_tomorrow_then_in_two_hours_then_overdue_each_once(partnership, people):
    make_clock(partnership, started_at=STARTED, due_at=DUE)
    assert clock_reminders_decide(now=datetime(2026, 12, 1, 7, tzinfo=LONDON)) == 0
    assert clock_reminders_decide(now=datetime(2026, 12, 1, 8, tzinfo=LONDON)) == 4
    assert who(reminders("due_tomorrow")) == MANAGERS
    assert clock_reminders_decide(now=datetime(2026, 12, 1, 9, tzinfo=LONDON)) == 0
    assert clock_reminders_decide(now=datetime(2026, 12, 2, 22, tzinfo=LONDON)) == 4
    assert who(reminders("due_in_2_hours")) == MANAGERS
    sweep_run(now=DUE + timedelta(seconds=1), send=False)
    assert who(reminders("overdue")) == MANAGERS
    sweep_run(now=DUE + timedelta(days=3), send=False)
    assert reminders().count() == 12
    overdue = reminders("overdue").get(channel="email", recipient=people["bob"])
    assert overdue.subject == "Overdue: Strategy discussion or meeting held"
    assert "Due 2 December 2026 at 23:59" in overdue.body
    assert overdue.to_address == people["bob"].email
    assert overdue.state == "pending"
    assert reminders("overdue").get(channel="in_app", recipient=people["bob"]).state == "sent"


def test_a_met_clock_is_not_reminded(partnership, people):
    clock = make_clock(partnership, started_at=STARTED, due_at=DUE)
    clock_meet(clock=clock, at=STARTED + timedelta(days=1), by=people["bob"])
    for now in (datetime(2026, 12, 1, 9, tzinfo=LONDON), DUE, DUE + timedelta(days=1)):
        sweep_run(now=now, send=False)
    assert not reminders().exists()


def test_a_clock_far_off_is_not_looked_at(partnership, people):
    make_clock(partnership, started_at=STARTED, due_at=DUE + timedelta(days=30))
    assert clock_reminders_decide(now=datetime(2026, 12, 1, 9, tzinfo=LONDON)) == 0


def test_the_subjects_responsible_people_are_reminded_instead_of_the_managers(
    partnership, people, agencies
):
    parties.register_party_resolver(
        Child,
        lambda child, party: None,
        responsible=lambda child: PartyMembers(
            professionals=(people["alice"],), agencies=(agencies["police"],)
        ),
    )
    try:
        make_clock(partnership, started_at=STARTED, due_at=DUE)
        clock_reminders_decide(now=datetime(2026, 12, 1, 9, tzinfo=LONDON))
    finally:
        parties.unregister_party_resolver(Child)
    rows = reminders("due_tomorrow")
    # Issue 18: the people responsible, not every manager (who hear once it is overdue).
    assert who(rows.filter(recipient__isnull=False)) == {("in_app", "alice"), ("email", "alice")}
    assert rows.get(recipient_agency=agencies["police"]).to_address == agencies["police"].email


def test_people_without_an_address_or_no_longer_active(partnership, people):
    people["dina"].email = ""
    people["dina"].save()
    people["bob"].is_active = False
    people["bob"].save()
    make_clock(partnership, started_at=STARTED, due_at=DUE)
    clock_reminders_decide(now=datetime(2026, 12, 1, 9, tzinfo=LONDON))
    assert who(reminders()) == {("in_app", "dina")}


def test_a_partnership_with_no_managers_is_reminded_again_once_it_has_one(partnership, people):
    for name in ("bob", "dina"):
        people[name].role_grants.all().delete()
    clock = make_clock(partnership, started_at=STARTED, due_at=DUE)
    now = datetime(2026, 12, 1, 9, tzinfo=LONDON)
    assert clock_reminders_decide(now=now) == 0
    people["bob"].role_grants.create(role="team_manager")
    assert clock_reminders_decide(now=now + timedelta(minutes=1)) == 2
    assert Clock.objects.get(pk=clock.pk).state == "pending"
