"""Who answers for a batch of clock subjects, read set-based (issue 15): the same answers as
asked subject by subject, in a number of queries that does not grow with the batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from convene.allocation import selectors, services
from convene.clocks.parties import resolve_responsible, resolve_responsible_many, subject_key
from convene.discussions.models import Discussion
from convene.followup.models import Icpc, S47Enquiry
from convene.records.models import Action
from convene.referrals.models import Referral
from tests.convening import NOW, accepted_referral, make_referral
from tests.followup.conftest import outcome, visit
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

HELD = datetime(2026, 3, 25, 13, 0, tzinfo=UTC)


def _fresh(subjects: list[object]) -> list[object]:
    """The subjects read again, nothing cached on them (as the sweep reads them)."""
    return [type(s).objects.get(pk=s.pk) for s in subjects]  # type: ignore[attr-defined]


def _allocate(subject, people, who: str, *, at: datetime) -> None:
    services.allocation_change(
        subject=subject, social_worker=people[who], team=None, reason="", by=people["bob"], now=at
    )


@pytest.fixture
def cases(people, partnership, agencies, enquiry):
    """A mix: unallocated, allocated, re-allocated, inherited at each depth, an inactive
    worker, chairs, actions owned by a person and by an agency, an ICPC."""
    waiting = make_referral(people=people, partnership=partnership, agencies=agencies)
    held = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    moved = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    _allocate(moved, people, "alice", at=NOW + timedelta(hours=1))
    # An S47 that inherits from its referral; one whose discussion was re-allocated; one
    # with its own allocation (to someone who has since left).
    inherits = enquiry(held_at=HELD, action_owner=("person", people["carol"].pk))
    from_discussion = enquiry(held_at=HELD, action_owner=("agency", agencies["police"].pk))
    _allocate(from_discussion.discussion, people, "alice", at=HELD + timedelta(hours=3))
    own = enquiry(held_at=HELD)
    _allocate(own, people, "alice", at=HELD + timedelta(hours=3))
    left = enquiry(held_at=HELD)
    _allocate(left, people, "bob", at=HELD + timedelta(hours=3))
    done = outcome(
        visit(inherits, people, at=HELD + timedelta(hours=4)),
        people,
        "significant_harm",
        now=HELD + timedelta(days=5),
    )
    assert done.icpc is not None
    return {"waiting": waiting, "held": held, "moved": moved, "s47s": [inherits, own, left]}


def test_batch_answers_are_the_per_subject_answers(people, cases):
    """R004.8: reminders go to whoever answers for the subject; the sweep's batch form
    (one read per batch of clocks) names exactly who the per-subject form names."""
    subjects = _fresh(
        [
            *Referral.objects.all(),
            *Discussion.objects.all(),
            *S47Enquiry.objects.all(),
            *Icpc.objects.all(),
            *Action.objects.all(),
        ]
    )
    assert len({type(s) for s in subjects}) == 5
    assert Action.objects.filter(owner_agency__isnull=False).exists()
    assert Action.objects.filter(owner_professional__isnull=False).exists()
    expected = {subject_key(s): resolve_responsible(s) for s in _fresh(subjects)}
    assert resolve_responsible_many(subjects) == expected
    # The mix is the one meant: nobody, one worker, a chair with the worker, an agency.
    assert expected[subject_key(cases["waiting"])] is None
    assert expected[subject_key(cases["moved"])].professionals == (people["alice"],)
    inherits, own, _left = cases["s47s"]
    assert selectors.current_for(subject=inherits).referral_id == inherits.discussion.referral_id
    assert expected[subject_key(own)].professionals == (people["alice"],)
    discussion = expected[subject_key(inherits.discussion)]
    assert discussion is not None
    assert discussion.professionals
    assert any(answer and answer.agencies for answer in expected.values())


def test_an_inactive_worker_answers_for_nothing_in_either_form(people, cases):
    _inherits, _own, left = cases["s47s"]
    people["bob"].is_active = False
    people["bob"].save(update_fields=["is_active"])
    subjects = _fresh([left, cases["held"]])
    expected = {subject_key(s): resolve_responsible(s) for s in _fresh(subjects)}
    assert resolve_responsible_many(subjects) == expected
    assert expected[subject_key(cases["held"])] is None


def _queries(subjects: list[object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        resolve_responsible_many(subjects)
    return len(captured)


def test_the_batch_read_does_not_grow_with_the_subjects(
    people, partnership, agencies, cases, enquiry
):
    """Issue 15: one batch of clocks costs the same queries for the responsible people
    whether it has 2 subjects of each kind or many more."""
    kinds = (Referral, Discussion, S47Enquiry, Icpc, Action)
    small = _fresh([m for kind in kinds for m in kind.objects.order_by("pk")[:2]])
    for _ in range(3):
        enquiry(held_at=HELD, action_owner=("agency", agencies["police"].pk))
        accepted_referral(people=people, partnership=partnership, agencies=agencies)
    large = _fresh([m for kind in kinds for m in kind.objects.all()])
    assert len(large) > len(small) + 10
    assert _queries(large) == _queries(small)
    assert _queries(small) <= 12
