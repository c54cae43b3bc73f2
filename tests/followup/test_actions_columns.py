"""The Actions pages read only the columns their rows show (issue 15): an action's what,
owner, due date, status and due time, its discussion's key (the reference and the
children), an HRPM action's child's name. Not the action's reasons or bookkeeping, nor its
record, discussion, meeting or HRPM: building those for every row was most of the list's
time at a million discussions. And no column left out is read per row afterwards: the
pages cost the same queries for one HRPM action as for eight."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from convene.followup.models import HrpmAction
from convene.records.models import Action
from tests.columns_read import columns_read
from tests.followup.test_actions_at_scale import AFTER_DUE, _copies, _links
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_action(s47_decision, agencies) -> Action:
    version = s47_decision(action_owner=("agency", agencies["police"].pk))
    return Action.objects.get(record=version.record, kind="agreed")


NOT_SHOWN = (
    '"records_action"."why"',
    '"records_action"."created_at"',
    '"records_action"."closed_note"',
    '"records_action"."record_id"',
    '"records_record"."correction_note"',
    '"discussions_discussion"."venue"',
    '"followup_hrpmaction"."closed_note"',
    '"followup_hrpmaction"."created_at"',
    '"followup_hrpmmeeting"."safety_plan"',
    '"followup_hrpm"."risk_assessment"',
)


def _hrpm_copies(action: HrpmAction, n: int) -> list[HrpmAction]:
    made = []
    for k in range(n):
        copy = HrpmAction.objects.get(pk=action.pk)
        copy.pk = None
        copy.due_by += timedelta(days=1 + k)
        copy.save()
        made.append(copy)
    return made


def _read(client, url: str, *columns: str) -> tuple[str, int, list[str]]:
    """The page, how many queries it took and which of ``columns`` they read: taken at
    once, as the next request clears the connection's log of queries."""
    client.get(url)  # content types and the like cached
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    return page.content.decode(), len(captured), columns_read(captured, *columns)


@pytest.mark.parametrize(
    ("who", "name"), [("alice", "followup:actions"), ("carol", "followup:my-actions")]
)
def test_the_actions_pages_read_only_the_columns_their_rows_show(
    client, police_action, police_hrpm_action, people, who, name
):
    _copies(police_action, 2)
    _hrpm_copies(police_hrpm_action, 2)
    client.force_login(people[who])
    with time_machine.travel(AFTER_DUE, tick=False):
        page, _, read = _read(client, reverse(name), *NOT_SHOWN)
        shown = client.get(f"{reverse(name)}?show=all").content.decode()
    assert len(_links(page, "followup:action")) == 3
    assert len(_links(page, "followup:hrpm-action")) == 3
    discussion = police_action.record.discussion
    child = police_hrpm_action.meeting.hrpm.child
    for text in (page, shown):
        assert discussion.reference in text
        assert f"HRPM safety plan: {child.full_name}" in text
        assert police_action.owner_name in text
        assert police_hrpm_action.owner_name in text
    assert read == []


@pytest.mark.parametrize(
    ("who", "name"), [("alice", "followup:actions"), ("carol", "followup:my-actions")]
)
def test_the_hrpm_section_costs_the_same_for_one_action_as_for_eight(
    client, police_action, police_hrpm_action, people, who, name
):
    """A column a row shows but the list left out would be read row by row (a query each)."""
    client.force_login(people[who])
    url = reverse(name)
    with time_machine.travel(AFTER_DUE, tick=False):
        _, few, _ = _read(client, url)
        _hrpm_copies(police_hrpm_action, 7)
        _copies(police_action, 7)
        page, many, _ = _read(client, url)
    assert len(_links(page, "followup:hrpm-action")) == 8
    assert len(_links(page, "followup:action")) == 8
    assert few > 0
    assert many == few
