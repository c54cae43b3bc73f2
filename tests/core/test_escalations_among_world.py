"""``escalations_visible_among`` (a page's escalations, asked of those rows only) sees exactly
what ``escalations_visible_to`` sees, for every persona of the matrix world (issue 15).

The world holds escalations raised by hand and by the sweep, about referrals, discussions,
actions and a restricted referral, in two partnerships, raised by and addressed to partners
and social care, so every branch of the rule is met: the case key, a subject without one, a
restricted case, a partner named as an agency or as a person, another partnership's.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from convene.clocks.models import Escalation
from convene.clocks.selectors import escalations_visible_among, escalations_visible_to
from convene.clocks.sweep import sweep_run
from convene.people.models import Professional
from tests.access_matrix import World
from tests.matrix_world import AFTER

pytestmark = pytest.mark.django_db


def test_among_a_page_sees_what_the_rule_sees_for_every_persona(
    world: World, django_assert_max_num_queries
):
    sweep_run(now=AFTER + timedelta(days=40), send=False)
    every = set(Escalation.objects.values_list("pk", flat=True))
    assert len(every) >= 5
    seen_by: dict[str, set[int]] = {}
    for person in Professional.objects.select_related("agency").prefetch_related("role_grants"):
        expected = set(
            escalations_visible_to(user=person).filter(pk__in=every).values_list("pk", flat=True)
        )
        # Set-based: a bounded number of queries whatever the page holds, never one per row.
        with django_assert_max_num_queries(12):
            found = escalations_visible_among(user=person, ids=every)
        assert found == expected, person.username
        seen_by[person.username] = found
    # The world makes the answers differ: someone sees all of their partnership's, someone
    # sees some but not all, someone (a partner, a restricted case) sees fewer.
    sizes = {len(found) for found in seen_by.values()}
    assert len(sizes) >= 3, seen_by
    assert seen_by["carol"]  # a partner: what names the police...
    assert seen_by["carol"] < every  # ...and not the rest
    restricted = world.restricted_referral
    hidden = set(Escalation.objects.filter(case_referral=restricted).values_list("pk", flat=True))
    if hidden:  # the sweep escalated the restricted case: only those named on it see it
        assert not hidden & seen_by["alice"]


def test_among_nothing_or_an_unknown_id_is_nothing(world: World, django_assert_num_queries):
    bob = world.people["bob"]
    with django_assert_num_queries(0):
        assert escalations_visible_among(user=bob, ids=[]) == set()
    assert escalations_visible_among(user=bob, ids=[10**12]) == set()
