"""My work asks every section's candidates in one query and builds only those with some
(``convene.allocation.work_probe``, issue 15): the same rows, in the same order, as building
every section."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from convene.allocation import selectors as allocation_selectors
from convene.allocation import work, work_actions, work_follow_through, work_probe
from convene.people.models import Professional
from convene.people.selectors import partnership_ids_of
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

PERSONAS = ("alice", "bob", "hana", "ivy", "carol", "dev", "erin", "nick")


@pytest.fixture(params=["listed", "walked"])
def demo(request, monkeypatch):
    """The demo, under both plans of ``Mine`` (walked: a manager's, own sections unprobed)."""
    call_command("demo", children=30, history=0)
    if request.param == "walked":
        monkeypatch.setattr(allocation_selectors, "CASES_LISTED", 0)
    return request.param


def test_the_probe_shows_the_same_rows_as_building_every_section(monkeypatch, demo):
    now = timezone.now()
    people = {name: Professional.objects.get(username=name) for name in PERSONAS}
    probed = {
        (name, team): work.work_for(user=people[name], now=now, team=team)
        for name in PERSONAS
        for team in (False, True)
    }
    monkeypatch.setattr(work, "sections_live", lambda **kwargs: work_probe.Live(frozenset()))
    for (name, team), rows in probed.items():
        fresh = Professional.objects.get(username=name)
        assert rows == work.work_for(user=fresh, now=now, team=team), (name, team)
    assert any(probed.values())


def test_a_section_found_empty_has_no_rows_and_one_query_asks_them_all(demo):
    now = timezone.now()
    skipped = 0
    for name in PERSONAS:
        user = Professional.objects.get(username=name)
        mine, sections = work.sections_of(user=user, now=now)
        partnership_ids_of(user=user)  # read once per request, by whichever asks first
        with CaptureQueriesContext(connection) as captured:
            live = work_probe.sections_live(
                user=user, mine=mine, now=now, sections=[s for s, _ in sections]
            )
        assert len(captured.captured_queries) <= 1
        for section, arguments in sections:
            if not live.may(section):
                skipped += 1
                assert section(*arguments) == [], (name, section.__name__)
    assert skipped  # the demo has empty sections to skip, under either plan


def test_a_section_declaring_no_candidates_is_always_built(people):
    bob = people["bob"]
    now = timezone.now()
    mine, _ = work.sections_of(user=bob, now=now)
    live = work_probe.sections_live(
        user=bob, mine=mine, now=now, sections=[work._invitations, work._triage]
    )
    assert live.may(work._invitations)
    assert live.may(work._triage)


def test_a_walked_caseload_is_asked_whether_it_has_visits_or_corrections(demo):
    """Found by partial indexes of the few (enquiries still to visit, by who holds them;
    HRPM series with a meeting due; open corrections), so asked of a manager's walked
    caseload too, not built to find none (issue 15: 4-7 ms each of a team manager's page at
    a million discussions)."""
    now = timezone.now()
    for name in ("bob", "alice"):
        user = Professional.objects.get(username=name)
        mine, sections = work.sections_of(user=user, now=now)
        assert (mine.ids is None) == (demo == "walked"), name
        live = work_probe.sections_live(
            user=user, mine=mine, now=now, sections=[s for s, _ in sections]
        )
        for section in (work._s47, work._hrpms, work_follow_through.records_to_correct):
            candidates = work_probe._CANDIDATES[section](user, mine, now)
            assert candidates is not None, (name, section.__name__)
            assert live.may(section) == any(qs.exists() for qs in candidates)


def _queries_of(name, now, team):
    user = Professional.objects.get(username=name)
    with CaptureQueriesContext(connection) as captured:
        work.work_for(user=user, now=now, team=team)
    return len(captured.captured_queries)


def test_the_probe_costs_at_most_one_query_more_than_building_every_section(monkeypatch, demo):
    now = timezone.now()
    probed = {(n, t): _queries_of(n, now, t) for n in PERSONAS for t in (False, True)}
    monkeypatch.setattr(work, "sections_live", lambda **kwargs: work_probe.Live(frozenset()))
    built = {(n, t): _queries_of(n, now, t) for n in PERSONAS for t in (False, True)}
    for key, count in probed.items():
        assert count <= built[key] + 1, key
    assert probed["bob", False] < built["bob", False]  # a manager's empty sections skipped


def test_my_actions_are_probed_one_owner_at_a_time_and_together_are_mine(demo):
    """The actions' candidates are one per owner and kind, never ``owner OR agency`` (which
    PostgreSQL answered by scanning every action), and together they are ``due_soon``."""
    from convene.followup.models import HrpmAction
    from convene.records.models import Action

    now = timezone.now()
    for name in PERSONAS:
        user = Professional.objects.get(username=name)
        candidates = work_actions.actions_candidates(user, None, now)
        for candidate in candidates:
            assert " OR " not in str(candidate.query), name
        for model in (Action, HrpmAction):
            parts = set()
            for candidate in candidates:
                if candidate.model is model:
                    parts |= set(candidate.values_list("pk", flat=True))
            assert parts == set(
                work_actions.due_soon(model.objects.all(), user, now).values_list("pk", flat=True)
            ), name
