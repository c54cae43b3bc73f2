"""The Actions lists and the my-actions API at any size (issue 15): open actions most urgent
first (overdue first) by their stored ``due_by``, a keyset page at a time, the same queries
for 3 actions as for 30, nothing of a restricted record or another partnership shown.

Actions of one case are cheap to multiply: a copy of an agreed action (``_copies``) is a
row like any other the lists walk (R001.13: who does what, by when)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from ninja.testing import TestClient

from convene.api.services import api_token_create
from convene.followup.actions import views
from convene.followup.actions.selectors import action_cursor
from convene.followup.models import HrpmAction
from convene.followup.routers import router
from convene.policy.vocab import Decision, RecordSection
from convene.records import services
from convene.records.due import action_due_by
from convene.records.models import Action
from tests.api.conftest import bearer
from tests.followup.conftest import clocks_of, london
from tests.followup.test_followup_action_access import _restricted_action
from tests.queries import CaptureQueriesContext
from tests.records.conftest import AFTER, entry_content, save
from tests.records.conftest import fill as records_fill

pytestmark = pytest.mark.django_db

AFTER_DUE = london(2026, 3, 9, 9, 0)  # the actions agreed on 4 March were due on 5 March
api = TestClient(router)


@pytest.fixture
def police_action(s47_decision, agencies) -> Action:
    version = s47_decision(action_owner=("agency", agencies["police"].pk))
    return Action.objects.get(record=version.record, kind="agreed")


def _copies(action: Action, n: int, *, first_day: int = 1) -> list[Action]:
    """``n`` more open actions of the same record, due one day apart from 5 March + first_day
    (the later ones not yet overdue on 9 March)."""
    made = []
    for k in range(n):
        due_on = action.due_on + timedelta(days=first_day + k)
        copy = Action.objects.get(pk=action.pk)
        copy.pk = None
        copy.key = f"copy{first_day}-{k}"
        copy.due_on = due_on
        copy.due_by = action_due_by(due_on=due_on, clock_due_at=None)
        copy.save()
        made.append(copy)
    return made


def _links(page: str, name: str) -> list[int]:
    """The ids of the actions a page links to, in the order shown."""
    prefix = reverse(name, args=[0])[:-2]
    parts = (part.split("/")[0] for part in page.split(f'href="{prefix}')[1:])
    return [int(part) for part in parts if part.isdigit()]


def test_R001_13_due_by_is_the_due_clocks_time_set_where_the_clock_starts(
    police_action, police_hrpm_action
):
    for action in (police_action, police_hrpm_action):
        clock = clocks_of(action)["action_due"]
        assert action.due_by == clock.due_at
    # Without a clock, the end of the due date in London: overdue from the next midnight.
    end = action_due_by(due_on=police_action.due_on, clock_due_at=None)
    assert end < london(2026, 3, 6, 0, 0) <= end + timedelta(microseconds=1)


def test_R001_13_a_correction_that_moves_the_due_date_moves_due_by(make_record, people):
    record = make_record()
    records_fill(record, people, Decision.CHILD_IN_NEED)
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    action = Action.objects.get(record=record)
    before = action.due_by
    services.record_correction_start(
        record=record, note="A later date agreed", by=people["bob"], now=AFTER
    )
    content = entry_content(record, RecordSection.ACTIONS)
    content["actions"][0]["due_on"] = (action.due_on + timedelta(days=7)).isoformat()
    save(record, RecordSection.ACTIONS, content, by=people["bob"])
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    action.refresh_from_db()
    assert action.due_by == clocks_of(action)["action_due"].due_at
    assert action.due_by - before == timedelta(days=7)


def test_R001_13_the_actions_list_is_most_urgent_first_a_page_at_a_time(
    client, police_action, people, monkeypatch
):
    monkeypatch.setattr(views, "ACTIONS_PAGE", 2)
    later = _copies(police_action, 3)  # due 6, 7, 8 March: overdue on 9 March
    soon = _copies(police_action, 1, first_day=10)  # due 15 March
    order = [police_action.pk, *[a.pk for a in later], soon[0].pk]
    client.force_login(people["bob"])
    url = reverse("followup:actions")
    with time_machine.travel(AFTER_DUE, tick=False):
        first = client.get(url).content.decode()
        second = client.get(f"{url}?before={order[1]}").content.decode()
        third = client.get(f"{url}?before={order[3]}").content.decode()
        # A bad, unknown or foreign cursor is the first page, never an error.
        odd = [client.get(f"{url}?before={c}").content.decode() for c in ("x", "-1", "99999")]
    assert _links(first, "followup:action") == order[:2]
    assert f"?before={order[1]}" in first
    assert "2 or more overdue" in first  # the first page is overdue to its last row
    assert _links(second, "followup:action") == order[2:4]
    assert 'rel="prev"' in second
    assert "Most urgent" in second
    assert _links(third, "followup:action") == order[4:]
    assert "?before=" not in third
    for page in odd:
        assert _links(page, "followup:action") == order[:2]


def test_done_actions_too_are_the_latest_due_first(client, police_action, people):
    later = _copies(police_action, 2)
    Action.objects.filter(pk=later[0].pk).update(status="done", closed_at=AFTER_DUE)
    client.force_login(people["bob"])
    with time_machine.travel(AFTER_DUE, tick=False):
        page = client.get(reverse("followup:actions") + "?show=all").content.decode()
        open_only = client.get(reverse("followup:actions")).content.decode()
    assert _links(page, "followup:action") == [later[1].pk, later[0].pk, police_action.pk]
    assert _links(open_only, "followup:action") == [police_action.pk, later[1].pk]


def _count(client, url: str) -> int:
    client.get(url)  # content types and the like cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("who", "name"), [("bob", "followup:actions"), ("carol", "followup:my-actions")]
)
def test_the_lists_cost_the_same_for_3_actions_as_for_30_and_show_no_hidden_one(
    client, police_action, people, partnership, agencies, monkeypatch, who, name
):
    monkeypatch.setattr(views, "ACTIONS_PAGE", 10)
    hidden = _restricted_action(people, partnership, agencies)  # alice is not named on it
    _copies(police_action, 2)
    client.force_login(people[who])
    url = reverse(name)
    with time_machine.travel(AFTER_DUE, tick=False):
        few = _count(client, url)
        _copies(police_action, 27, first_day=3)
        many = _count(client, url)
        later = _count(client, f"{url}?before={police_action.pk}")
        client.force_login(people["alice"])
        alices = client.get(reverse("followup:actions")).content.decode()
        alices_later = client.get(f"{reverse('followup:actions')}?before={hidden.pk}")
        client.force_login(people["nick"])  # another partnership's social worker
        nicks = client.get(reverse("followup:actions")).content.decode()
    assert many == few
    assert later <= few + 1  # the cursor's own row, looked up once
    assert reverse("followup:action", args=[hidden.pk]) not in alices
    # A cursor naming an action alice may not see is the first page.
    assert _links(alices_later.content.decode(), "followup:action") == _links(
        alices, "followup:action"
    )
    assert _links(nicks, "followup:action") == []


def test_R001_13_my_actions_api_pages_both_kinds_most_urgent_first(
    client, police_action, police_hrpm_action, people
):
    """Both kinds merged on (due_by, kind, id): the HRPM action (due 6 February) first."""
    later = _copies(police_action, 2)
    token = bearer(api_token_create(user=people["carol"], name="Police case system")[1])
    path = "/api/followup/my-actions/"

    def get(query: str):
        return client.get(f"{path}?{query}", headers=token)

    with time_machine.travel(AFTER_DUE, tick=False):
        first = get("limit=2")
        cursor = f"record-{police_action.pk}"
        second = get(f"limit=2&before={cursor}")
        everything = get("limit=500")
        bad = get("before=x-1")
        too_many = get("limit=501")
        foreign = get("limit=2&before=hrpm-99999")
    assert [(r["kind"], r["id"]) for r in first.json()] == [
        ("hrpm", police_hrpm_action.pk),
        ("record", police_action.pk),
    ]
    assert first["Link"] == f'<{path}?limit=2&before={cursor}>; rel="next"'
    assert [r["id"] for r in second.json()] == [a.pk for a in later]
    assert "Link" not in second
    assert [r["overdue"] for r in everything.json()] == [True, True, True, True]
    assert bad.status_code == 422
    assert too_many.status_code == 422
    assert [r["id"] for r in foreign.json()] == [r["id"] for r in first.json()]


def test_the_my_actions_api_costs_the_same_for_3_as_for_30(police_action, people):
    carol = people["carol"]
    _copies(police_action, 2)

    def queries(path: str) -> int:
        api.get(path, user=carol)
        with CaptureQueriesContext(connection) as captured:
            assert api.get(path, user=carol).status_code == 200
        return len(captured.captured_queries)

    with time_machine.travel(AFTER_DUE, tick=False):
        few = queries("/my-actions/?limit=10")
        _copies(police_action, 27, first_day=3)
        assert queries("/my-actions/?limit=10") == few
        assert queries(f"/my-actions/?limit=10&before=record-{police_action.pk}") == few + 1
        assert queries("/my-actions/?limit=10&include_done=true") == few


def test_an_action_cursor_is_a_kind_and_an_id_or_nothing():
    assert action_cursor("record-12") == ("record", 12)
    assert action_cursor("hrpm-3") == ("hrpm", 3)
    for bad in (None, "", "12", "record-", "record-0", "other-1", "record-1x", "hrpm-" + "9" * 19):
        assert action_cursor(bad) is None


def test_the_hrpm_section_pages_on_its_own_cursor(
    client, police_action, police_hrpm_action, people, monkeypatch
):
    monkeypatch.setattr(views, "ACTIONS_PAGE", 1)
    second = HrpmAction.objects.get(pk=police_hrpm_action.pk)
    second.pk = None
    second.due_by += timedelta(days=1)
    second.save()
    client.force_login(people["alice"])
    url = reverse("followup:actions")
    with time_machine.travel(AFTER_DUE, tick=False):
        first = client.get(url).content.decode()
        later = client.get(f"{url}?hrpm_before={police_hrpm_action.pk}").content.decode()
        unknown = client.get(f"{url}?before=99999").content.decode()
    assert _links(first, "followup:action") == [police_action.pk]
    assert _links(first, "followup:hrpm-action") == [police_hrpm_action.pk]
    assert f"?hrpm_before={police_hrpm_action.pk}" in first
    assert _links(later, "followup:hrpm-action") == [second.pk]
    assert _links(later, "followup:action") == []
    assert _links(unknown, "followup:hrpm-action") == [police_hrpm_action.pk]
    assert _links(unknown, "followup:action") == [police_action.pk]


def test_an_hrpm_cursor_that_names_nothing_is_the_first_page_of_both_sections(
    client, police_action, police_hrpm_action, people
):
    """A stale ``hrpm_before`` (its action done since, or a bookmark) starts both sections
    again: the record's actions are never left out, nor "no open actions" said of them."""
    with time_machine.travel(AFTER_DUE, tick=False):
        HrpmAction.objects.filter(pk=police_hrpm_action.pk).update(
            status="done", closed_at=AFTER_DUE
        )
        pages = {}
        for who, name in (("carol", "followup:my-actions"), ("alice", "followup:actions")):
            client.force_login(people[who])
            url = reverse(name)
            pages[who] = [
                client.get(f"{url}?hrpm_before={cursor}").content.decode()
                for cursor in (police_hrpm_action.pk, 99999)
            ]
    for page in [*pages["carol"], *pages["alice"]]:
        assert _links(page, "followup:action") == [police_action.pk]
    assert all("You have no open actions" not in page for page in pages["carol"])
