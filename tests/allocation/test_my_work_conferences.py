"""My work's conferences (issue 15): the dated walked by ``discussion_icpc_due`` first, soonest
first, then those with no ICPC clock; the undated asked only when the dated leave room."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from convene.allocation import work
from convene.allocation.work_rows import Mine
from convene.discussions.models import Discussion
from tests.followup.conftest import outcome, visit
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

HELD = datetime(2026, 3, 25, 13, 0, tzinfo=UTC)
NOW = HELD + timedelta(days=6)


@pytest.fixture
def three(enquiry, people):
    """Three open conferences: due in 5 days, undated (a pack with no ICPC clock), due in 2."""
    icpcs = []
    for _ in range(3):
        started = enquiry(held_at=HELD, legal_status="child_in_need")
        visited = visit(started, people, at=HELD + timedelta(hours=2))
        done = outcome(visited, people, "significant_harm", now=HELD + timedelta(days=5))
        icpcs.append(done.icpc)
    for icpc, due in zip(
        icpcs, [NOW + timedelta(days=5), None, NOW + timedelta(days=2)], strict=True
    ):
        Discussion.objects.filter(pk=icpc.discussion_id).update(icpc_due_at=due)
    return icpcs


def _conferences(user):
    with CaptureQueriesContext(connection) as captured:
        rows = work._icpcs(user, Mine.of(user), NOW)
    asked = [q["sql"] for q in captured.captured_queries if 'FROM "followup_icpc"' in q["sql"]]
    return [r.what.rsplit(" ", 1)[1] for r in rows], asked


def test_dated_soonest_first_then_the_undated(three, people):
    later, undated, sooner = (icpc.reference for icpc in three)
    shown, asked = _conferences(people["bob"])
    assert shown == [sooner, later, undated]
    assert len(asked) == 2  # the page had room: the undated were asked too
    # No DISTINCT: it sorted every open conference by all its columns before the page.
    assert not any("DISTINCT" in sql for sql in asked)


def test_the_undated_are_not_asked_when_the_dated_fill_the_page(three, people, monkeypatch):
    monkeypatch.setattr(work, "ROWS_PER_SECTION", 2)
    later, _undated, sooner = (icpc.reference for icpc in three)
    shown, asked = _conferences(people["bob"])
    assert shown == [sooner, later]
    assert len(asked) == 1


def test_another_partnerships_manager_has_no_conferences_here(three, people):
    assert _conferences(people["nick"])[0] == []
