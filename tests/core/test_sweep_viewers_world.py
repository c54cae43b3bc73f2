"""The sweep decides who may see a batch's subjects from the clocks' case keys (issue 15):
the case rule settles the caseload's people, the subjects' own selectors the rest. Over the
matrix world (a restricted referral with its discussion, invitations, records, actions,
the neighbour partnership), for every clock and every person: the same answer as each
person's own selector, asked one at a time (``may_see_subject``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from convene.clocks.models import Clock
from convene.clocks.subjects import may_see_subject, subject_key, subjects_viewers_each
from convene.people.models import Professional
from tests.access_matrix import World
from tests.matrix_world import AFTER

pytestmark = pytest.mark.django_db


def _one_at_a_time(clocks: list[Clock], people: list[Professional]) -> dict[object, set[int]]:
    return {
        subject_key(clock.subject): {
            person.pk for person in people if may_see_subject(user=person, subject=clock.subject)
        }
        for clock in clocks
    }


def test_the_case_keys_tell_the_same_people_as_each_persons_selector(world: World):
    from convene.clocks.sweep import sweep_run

    sweep_run(now=AFTER + timedelta(days=40), send=False)  # escalations, reminders: more clocks
    clocks = [clock for clock in Clock.objects.order_by("pk") if clock.subject is not None]
    people = list(Professional.objects.order_by("pk"))
    cases = {subject_key(clock.subject): clock.case_referral_id for clock in clocks}
    expected = _one_at_a_time(clocks, people)

    # Each subject asked of a fresh copy of everyone: the answer must not depend on which
    # object stands for a person.
    asks = [(clock.subject, list(Professional.objects.order_by("pk"))) for clock in clocks]
    assert subjects_viewers_each(asks=asks, cases=cases) == expected
    assert subjects_viewers_each(asks=asks) == expected  # the subjects' selectors alone

    # The world holds what makes it matter: a case hidden from someone who works the
    # caseload (the restricted referral: its managers not named on it), seen by others.
    restricted = [c for c in clocks if c.case_referral_id == world.restricted_referral.pk]
    assert restricted
    bob = world.people["bob"]  # a team manager not named on it
    for clock in restricted:
        seen = expected[subject_key(clock.subject)]
        assert bob.pk not in seen
        assert seen  # the people named on it
    assert any(bob.pk in seen for seen in expected.values())


def test_each_subject_is_asked_only_of_its_own_people(world: World):
    clocks = [clock for clock in Clock.objects.order_by("pk") if clock.subject is not None]
    restricted = next(c for c in clocks if c.case_referral_id == world.restricted_referral.pk)
    other = next(c for c in clocks if c.case_referral_id not in (None, restricted.case_referral_id))
    bob, dina = world.people["bob"], world.people["dina"]  # dina is named on the restricted case
    found = subjects_viewers_each(
        asks=[(restricted.subject, [bob, dina]), (other.subject, [bob])],
        cases={subject_key(c.subject): c.case_referral_id for c in (restricted, other)},
    )
    assert found == {
        subject_key(restricted.subject): {dina.pk},
        subject_key(other.subject): {bob.pk},
    }
