"""My actions and Actions: a partner sees and updates their agency's actions only; managers see
all for their cases, overdue first with a red tag; each list is a fixed number of queries."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from convene.records.models import Action
from tests.followup.conftest import london

pytestmark = pytest.mark.django_db

AFTER_DUE = london(2026, 3, 9, 9, 0)  # the actions agreed on 4 March were due on 5 March


@pytest.fixture
def police_action(s47_decision, agencies) -> Action:
    version = s47_decision(action_owner=("agency", agencies["police"].pk))
    return Action.objects.get(record=version.record, kind="agreed")


@pytest.fixture
def health_action(s47_decision, agencies) -> Action:
    version = s47_decision(action_owner=("agency", agencies["community"].pk))
    return Action.objects.get(record=version.record, kind="agreed")


def test_my_actions_lists_the_agencys_actions_with_overdue_flagged(
    client, police_action, health_action, people
):
    client.force_login(people["carol"])
    with time_machine.travel(AFTER_DUE, tick=False):
        page = client.get(reverse("followup:my-actions")).content.decode()
    assert reverse("followup:action", args=[police_action.pk]) in page
    assert reverse("followup:action", args=[health_action.pk]) not in page
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page


def test_partner_updates_own_agency_action_and_gets_404_for_another(
    client, police_action, health_action, people
):
    client.force_login(people["carol"])
    url = reverse("followup:action", args=[police_action.pk])
    with time_machine.travel(AFTER_DUE, tick=False):
        assert client.get(reverse("followup:action", args=[health_action.pk])).status_code == 404
        assert (
            client.post(
                reverse("followup:action", args=[health_action.pk]),
                {"version": 0, "status": "done", "note": "x"},
            ).status_code
            == 404
        )
        refused = client.post(url, {"version": 0, "status": "done", "note": ""})
        assert "Error: Action" in refused.content.decode()
        assert "Enter what was done" in refused.content.decode()
        done = client.post(url, {"version": 0, "status": "done", "note": "Visited jointly"})
        assert done.status_code == 302
        page = client.get(url).content.decode()
    police_action.refresh_from_db()
    assert police_action.status == "done"
    assert "Visited jointly" in page
    assert "Met late" in page
    assert "Update this action" not in page


def test_stale_update_is_refused_with_who_changed_it(client, police_action, people):
    client.force_login(people["alice"])
    url = reverse("followup:action", args=[police_action.pk])
    with time_machine.travel(AFTER_DUE, tick=False):
        client.post(url, {"version": 0, "status": "in_progress", "note": "Started"})
        client.force_login(people["carol"])
        stale = client.post(url, {"version": 0, "status": "done", "note": "Done"})
    assert "changed by Alice Ashworth" in stale.content.decode()


def test_auditor_reads_but_cannot_update(client, police_action, people):
    client.force_login(people["ivy"])
    url = reverse("followup:action", args=[police_action.pk])
    with time_machine.travel(AFTER_DUE, tick=False):
        page = client.get(url)
        assert page.status_code == 200
        assert "Update this action" not in page.content.decode()
        assert client.post(url, {"version": 0, "status": "done", "note": "x"}).status_code == 403


def test_managers_actions_list_shows_all_overdue_first_partners_refused(
    client, police_action, health_action, people
):
    client.force_login(people["bob"])
    with time_machine.travel(AFTER_DUE, tick=False):
        page = client.get(reverse("followup:actions")).content.decode()
        client.force_login(people["carol"])
        assert client.get(reverse("followup:actions")).status_code == 403
        client.force_login(people["nick"])
        other = client.get(reverse("followup:my-actions")).content.decode()
    assert reverse("followup:action", args=[police_action.pk]) in page
    assert reverse("followup:action", args=[health_action.pk]) in page
    assert "2 overdue" in page
    assert reverse("followup:action", args=[police_action.pk]) not in other


def _queries(client, person, url) -> list[str]:
    from django.db import connection

    from tests.queries import CaptureQueriesContext

    with time_machine.travel(AFTER_DUE, tick=False):
        client.force_login(person)
        client.get(url)  # content types and the like cached
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    ("who", "name"), [("bob", "followup:actions"), ("carol", "followup:my-actions")]
)
def test_action_lists_are_one_query_each_however_long(
    client, s47_decision, agencies, people, django_assert_max_num_queries, who, name
):
    s47_decision(action_owner=("agency", agencies["police"].pk))
    few = _queries(client, people[who], reverse(name))
    for _ in range(3):
        s47_decision(action_owner=("agency", agencies["police"].pk))
    many = _queries(client, people[who], reverse(name))
    assert len(many) == len(few)
    # One query per list (the record's actions, the HRPM actions) with everything a row
    # shows; the rest is the session, the user and the navigation.
    # The unread-notifications badge names both tables in its need-to-know subqueries (one
    # query, whatever the list's length): it is not a list query.
    lists = [sql for sql in many if 'FROM "reminders_delivery"' not in sql]
    assert sum(1 for sql in lists if 'FROM "records_action"' in sql) == 1
    assert sum(1 for sql in lists if 'FROM "followup_hrpmaction"' in sql) == 1
    for _ in range(6):
        s47_decision(action_owner=("agency", agencies["police"].pk))
    with time_machine.travel(AFTER_DUE, tick=False):
        client.force_login(people[who])
        client.get(reverse(name))
        with django_assert_max_num_queries(len(few)):
            client.get(reverse(name))
