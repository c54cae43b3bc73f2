"""What an actions list row shows, read for the page's rows at once (issue 15): the newest
due clock that counts, the latest update and how many, whether it is overdue, and the
discussion's children. The same few queries for one row as for thirty; nothing of a
restricted record for someone not named on it, on the page or through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from convene.api.services import api_token_create
from convene.clocks.selectors import clocks_counting, clocks_counting_among
from convene.clocks.services import clock_waive
from convene.followup.actions.row_details import with_row_details
from convene.followup.actions.selectors import action_rows, hrpm_action_rows
from convene.followup.actions.services import action_update
from convene.followup.models import HrpmAction
from convene.people.factories import ChildFactory
from convene.policy.vocab import ClockKind
from convene.records.models import Action
from tests.api.conftest import bearer
from tests.followup.conftest import clocks_of, london
from tests.followup.test_actions_at_scale import AFTER_DUE, _copies
from tests.followup.test_followup_action_access import _restricted_action
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_action(s47_decision, agencies) -> Action:
    version = s47_decision(action_owner=("agency", agencies["police"].pk))
    return Action.objects.get(record=version.record, kind="agreed")


def _rows(model, ids):
    walk = action_rows if model is Action else hrpm_action_rows
    return walk(model.objects.filter(pk__in=ids)).order_by("due_by", "pk")


def _queries(rows, now) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        detailed = with_row_details(rows, now=now)
    # The page's walk itself is one query: what is counted here is what the rows add.
    return len(captured.captured_queries) - 1, detailed


def test_a_row_shows_its_due_clock_latest_update_and_its_discussions_children(
    police_action, people, partnership
):
    discussion = police_action.record.discussion
    first_child = discussion.children.order_by("pk").first()
    discussion.children.add(ChildFactory(partnership=partnership))
    for number, note in enumerate(("Officer allocated", "Visit booked"), start=1):
        action_update(
            action=police_action,
            status="in_progress",
            note=note,
            by=people["carol"],
            now=london(2026, 3, 5, 9, number),
            expected_version=number - 1,
        )
    (row,) = with_row_details(_rows(Action, [police_action.pk]), now=AFTER_DUE)
    clock = clocks_of(police_action)["action_due"]
    assert (row.due_at, row.clock_state, row.clock_met_at) == (clock.due_at, clock.state, None)
    assert (row.last_progress, row.last_note, row.update_count) == (
        "in_progress",
        "Visit booked",
        2,
    )
    assert row.last_at == london(2026, 3, 5, 9, 2)
    assert row.overdue  # open, and past the end of 5 March
    assert (row.child_first_name, row.child_last_name) == (
        first_child.first_name,
        first_child.last_name,
    )
    assert row.child_count == 2


def test_the_newest_due_clock_that_counts_is_the_one_selector_asks_of_one_row(
    police_action, police_hrpm_action, people
):
    """``clocks_counting_among`` answers for a page what ``clocks_counting`` answers per row:
    a waived clock no longer counts, a row without one (a copy) is absent."""
    waived, *_ = _copies(police_action, 1)
    other = _copies(police_action, 1, first_day=2)[0]
    for action in (waived, other):
        # A clock of its own for each copy: the original's, copied onto it.
        clock = clocks_of(police_action)["action_due"]
        clock.pk = None
        clock.subject_id = action.pk
        clock.save()
    clock_waive(
        clock=clocks_of(waived)["action_due"],
        reason="Agreed elsewhere",
        at=AFTER_DUE,
        by=people["bob"],
    )
    bare = _copies(police_action, 1, first_day=3)[0]
    ids = [police_action.pk, waived.pk, other.pk, bare.pk]
    among = clocks_counting_among(Action, ids, [ClockKind.ACTION_DUE])
    for pk in ids:
        one = clocks_counting(Action, pk, [ClockKind.ACTION_DUE]).first()
        expected = None if one is None else (one.due_at, one.state, one.met_at)
        found = among.get(pk)
        assert (found and (found["due_at"], found["state"], found["met_at"])) == expected, pk
    assert set(among) == {police_action.pk, other.pk}
    hrpm = clocks_counting_among(
        HrpmAction, [police_hrpm_action.pk], [ClockKind.ACTION_DUE], fields=["id"]
    )
    assert hrpm[police_hrpm_action.pk]["id"] == clocks_of(police_hrpm_action)["action_due"].pk
    # No rows, no query.
    with CaptureQueriesContext(connection) as captured:
        assert clocks_counting_among(Action, [], [ClockKind.ACTION_DUE]) == {}
    assert not captured.captured_queries


def test_the_rows_cost_the_same_queries_for_one_as_for_thirty(
    police_action, police_hrpm_action, people
):
    ContentType.objects.get_for_model(Action)  # cached, as in a running server
    ContentType.objects.get_for_model(HrpmAction)
    one, _ = _queries(_rows(Action, [police_action.pk]), AFTER_DUE)
    many = [police_action.pk, *(a.pk for a in _copies(police_action, 29))]
    for action in Action.objects.filter(pk__in=many[:10]):
        action_update(
            action=action, status="in_progress", note="Begun", by=people["carol"], now=AFTER_DUE
        )
    thirty, rows = _queries(_rows(Action, many), AFTER_DUE)
    assert len(rows) == 30
    assert one == thirty == 3  # the page's clocks, updates and children
    assert sum(row.update_count for row in rows) == 10
    hrpm, _ = _queries(_rows(HrpmAction, [police_hrpm_action.pk]), AFTER_DUE)
    assert hrpm == 2  # an HRPM's child is joined in the walk
    with CaptureQueriesContext(connection) as captured:
        assert with_row_details([], now=AFTER_DUE) == []
    assert not captured.captured_queries


def test_a_restricted_records_action_shows_nothing_to_someone_not_named(
    client, people, partnership, agencies
):
    """Alice (social care, the owning agency, not named on the allegation) sees neither the
    action, nor its discussion's reference, nor the child, on any list; bob (named) does."""
    hidden = _restricted_action(people, partnership, agencies)
    reference = hidden.record.discussion.reference
    child = hidden.record.discussion.children.get()
    lists = [reverse("followup:my-actions"), reverse("followup:actions")]
    with time_machine.travel(hidden.due_by + timedelta(days=1), tick=False):
        client.force_login(people["alice"])
        pages = [client.get(url).content.decode() for url in lists]
        token = bearer(api_token_create(user=people["alice"], name="Case system")[1])
        api = client.get("/api/followup/my-actions/?include_done=true", headers=token)
        client.force_login(people["bob"])
        bobs = client.get(reverse("followup:actions")).content.decode()
    # As the page writes it: a synthetic surname may be O'Brien (escaped in HTML).
    surname = escape(child.last_name)
    for page in pages:
        assert reference not in page
        assert surname not in page
        assert reverse("followup:action", args=[hidden.pk]) not in page
    assert api.status_code == 200
    assert hidden.pk not in [row["id"] for row in api.json() if row["kind"] == "record"]
    assert reference in bobs
    assert surname in bobs
