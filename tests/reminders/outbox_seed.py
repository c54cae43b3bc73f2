"""Data for the outbox worker tests: every kind of email Convene sends, decided and waiting.

Loaded into the test's own database by ``convene shell``: a scheduled discussion (invitations
with their calendar files, the referrer's notice) and a held record, authorised and
distributed (the record with its PDF to the attendees, the outcome notices to the referrer
and the absent). Its timescales are moved a year on, so the sweep adds no reminders or
escalations of its own (test_worker_kill.py covers those): the emails are these alone.

``seed(few=True)`` sends each kind once, for the kill test, whose worker is started again
after every send: only carol is invited to the first discussion (her invitation and her
agency's check, the chair's invitation) and nobody but the chair to the held one (the record
to the chair, the outcome to the referrer).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from convene.clocks.models import Clock
from convene.people import personas
from convene.people.factories import ChildFactory
from convene.policy.vocab import Decision
from convene.records import services
from tests.conftest import make_agencies, make_partnerships, make_people
from tests.convening import accepted_referral, scheduled_discussion
from tests.records.conftest import HELD_AT, except_missing, fill


def seed(*, few: bool = False) -> None:
    partnership = make_partnerships()[personas.HOME]
    agencies = make_agencies()
    people = make_people(agencies)
    scheduled_discussion(
        referral=accepted_referral(people=people, partnership=partnership, agencies=agencies),
        people=people,
        invitees=("carol",) if few else ("carol", "dev"),
        allow_missing_required=few,
    )
    child = ChildFactory(partnership=partnership, setting=agencies["primary"])
    referral = accepted_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        children=[child],
        now=HELD_AT - timedelta(hours=3),
        received_at=HELD_AT - timedelta(hours=4),
    )
    discussion = scheduled_discussion(
        referral=referral,
        people=people,
        invitees=() if few else ("alice", "carol", "erin"),
        now=HELD_AT - timedelta(hours=3),
        starts_in=timedelta(hours=3),
        allow_missing_required=True,
    )
    record = services.discussion_hold(
        discussion=discussion, held_at=HELD_AT, by=people["bob"], now=HELD_AT + timedelta(hours=1)
    )
    fill(record, people, Decision.CHILD_IN_NEED)
    after = HELD_AT + timedelta(hours=2)
    except_missing(record, people, now=after)  # health was not invited (R002.4)
    services.record_authorise(record=record, by=people["bob"], now=after)
    services.record_distribute(record=record, by=people["bob"], now=after)
    Clock.objects.filter(state=Clock.State.PENDING).update(
        due_at=timezone.now() + timedelta(days=365)
    )
