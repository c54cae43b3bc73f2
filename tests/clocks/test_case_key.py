"""Clocks and escalations carry the key of their case (referral), and need-to-know for their
lists is one condition on it (issue 15; R004.2 restricted referrals, R004.8 escalations).

* an escalation raised from a clock, by the sweep or by hand, carries the clock's case key
  (every path of the matrix world and the backfill: tests/core/test_case_key_world.py);
* the escalations list costs the same queries with 0 or 40 escalations the reader may not
  see, and a restricted case's escalations are never shown to someone not named on it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from convene.clocks.escalations import escalation_raise
from convene.clocks.models import Clock, Escalation
from convene.clocks.selectors import clocks_visible_to, escalations_page, escalations_visible_to
from convene.clocks.sweep import sweep_run
from tests.clocks.helpers import make_clock
from tests.clocks.test_restricted_subjects import (  # noqa: F401 - fixtures
    DUE,
    LATE,
    STARTED,
    restricted,
    tess,
)
from tests.convening import make_referral
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_each_escalation_path_copies_its_clocks_case_key(partnership, people, agencies):
    referral = make_referral(people=people, partnership=partnership, agencies=agencies)
    clock = make_clock(partnership, started_at=STARTED, due_at=DUE, subject=referral)
    assert clock.case_referral_id == referral.pk  # clock_start wrote it
    by_hand = escalation_raise(
        by=people["bob"],
        partnership=partnership,
        direction=Escalation.Direction.SOCIAL_CARE_TO_PARTNER,
        agency=partnership.agencies.get(kind="police"),
        what_is_late="The police check for the strategy discussion",
        details="Asked twice on Monday.",
        clock=clock,
        now=LATE,
    )
    assert by_hand.case_referral_id == referral.pk
    automatic = [e for e in _raise(clock) if e.is_automatic]
    assert automatic
    assert all(e.case_referral_id == referral.pk for e in automatic)
    # No clock, no case: an escalation about nothing in particular has no key.
    loose = escalation_raise(
        by=people["carol"],
        partnership=partnership,
        direction=Escalation.Direction.PARTNER_TO_SOCIAL_CARE,
        what_is_late="Nobody has called back",
        details="We asked on Monday.",
        now=LATE,
    )
    assert loose.case_referral_id is None


def _raise(clock: Clock) -> list[Escalation]:
    sweep_run(now=LATE, send=False)
    return list(clock.escalations.order_by("level"))


def _list_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/escalations/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_list_costs_the_same_with_0_or_40_hidden_escalations(
    client,
    partnership,
    people,
    restricted,  # noqa: F811
    tess,  # noqa: F811
):
    bob = people["bob"]
    for _ in range(3):
        make_clock(partnership, started_at=STARTED, due_at=DUE)
    sweep_run(now=LATE, send=False)
    client.force_login(bob)
    client.get("/escalations/")  # warm the caches (content types, session)
    none_hidden, page = _list_queries(client)
    visible = Escalation.objects.count()  # one per level the pack raises by then
    assert visible >= 3
    assert f"Open: {visible} escalations" in page

    # 40 (or more: one per level) escalations about a restricted case naming tess, not bob,
    # raised after the visible ones: the newest rows of the list, all hidden from bob.
    referral, _ = restricted("tess")
    for _ in range(39):
        make_clock(partnership, started_at=STARTED, due_at=DUE, subject=referral)
    sweep_run(now=LATE + timedelta(hours=1), send=False)
    hidden = Escalation.objects.filter(case_referral=referral)
    assert hidden.count() >= 40

    with_hidden, page = _list_queries(client)
    assert with_hidden == none_hidden
    assert f"Open: {visible} escalations" in page
    for pk in hidden.values_list("pk", flat=True):
        assert f'href="/escalations/{pk}/"' not in page
    # The one named sees them, in the same number of queries.
    client.force_login(tess)
    client.get("/escalations/")
    named, page = _list_queries(client)
    assert named == none_hidden
    assert f"Open: {hidden.count() + visible} escalations" in page


def test_a_restricted_cases_escalations_are_never_shown_to_an_outsider(
    client,
    partnership,
    people,
    restricted,  # noqa: F811
    tess,  # noqa: F811
):
    referral, clock = restricted("tess")
    _raise(clock)
    # The convene clock's escalations and the triage clock's that referral_create started.
    raised = list(Escalation.objects.filter(case_referral=referral))
    assert {e.clock_id for e in raised} > {clock.pk}
    for name in ("bob", "alice", "carol", "dev", "ursula"):
        outsider = people[name]
        assert not escalations_visible_to(user=outsider).filter(case_referral=referral).exists()
        assert not clocks_visible_to(user=outsider).filter(pk=clock.pk).exists()
        page = escalations_page(user=outsider, states=["raised"], before=None, size=25)
        assert not {e.pk for e in page.escalations} & {e.pk for e in raised}
        client.force_login(outsider)
        assert client.get(f"/escalations/{raised[0].pk}/").status_code == 404
    assert set(escalations_visible_to(user=tess).filter(case_referral=referral)) == set(raised)
    assert clocks_visible_to(user=tess).filter(pk=clock.pk).exists()
