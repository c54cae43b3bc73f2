"""Social care's "My actions": its own and its agency's as owner, two owners walked apart
(``first_of_parts``, issue 15), never its colleagues' (the Actions list's). The same rows,
pages and cursors as the one ``OR`` (``mine``), on the page and in the API, at the same cost
for 3 actions as for 30.

At 1,000,000 discussions a manager who owns no action walked every open action with the
``OR`` as a filter (1.4 s); each owner's index walks to the page (docs/performance.md)."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from convene.api.services import api_token_create
from convene.core.pagination import first_of_parts, meeting
from convene.followup.actions import views
from convene.followup.actions.selectors import actions_visible_to, mine, my_owners
from convene.followup.models import HrpmAction
from convene.records.models import Action
from convene.records.owning import owner_columns
from tests.api.conftest import bearer
from tests.followup.test_actions_at_scale import AFTER_DUE, _copies, _links, police_action
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db
__all__ = ["police_action"]  # the fixture, shared with the lists at scale

# Whose each copy is, in due order: bob's own, the csc agency's, and alice's (bob's
# colleague: on the Actions list, not on his My actions).
OWNERS = ("bob", "csc", "alice", "bob", "csc", "alice", "bob", "alice")


@pytest.fixture
def owned(police_action, people, agencies) -> dict[str, list[int]]:
    """Eight open actions due one day apart, owned as ``OWNERS`` says; ids by owner."""
    by: dict[str, list[int]] = {}
    for copy, who in zip(_copies(police_action, len(OWNERS)), OWNERS, strict=True):
        owner = agencies["csc"] if who == "csc" else people[who]
        Action.objects.filter(pk=copy.pk).update(**owner_columns(owner))
        by.setdefault(who, []).append(copy.pk)
    return by


def _mine_in_order(user) -> list[int]:
    rows = mine(actions_visible_to(user=user), user=user).filter(status="open")
    return list(rows.order_by("due_by", "pk").values_list("pk", flat=True))


def test_bobs_my_actions_are_his_and_his_agencys_a_page_at_a_time(
    client, owned, people, monkeypatch
):
    monkeypatch.setattr(views, "ACTIONS_PAGE", 2)
    bob = people["bob"]
    order = sorted(owned["bob"] + owned["csc"])
    assert _mine_in_order(bob) == order  # the OR's order, which the walk must keep
    client.force_login(bob)
    url = reverse("followup:my-actions")
    with time_machine.travel(AFTER_DUE, tick=False):
        pages = [client.get(url).content.decode()]
        for cursor in (order[1], order[3]):
            pages.append(client.get(f"{url}?before={cursor}").content.decode())
        # A colleague's action is no cursor of bob's: the first page.
        colleagues = client.get(f"{url}?before={owned['alice'][0]}").content.decode()
    assert [_links(page, "followup:action") for page in pages] == [
        order[:2],
        order[2:4],
        order[4:],
    ]
    assert _links(colleagues, "followup:action") == order[:2]
    assert all(pk not in _links(p, "followup:action") for p in pages for pk in owned["alice"])


def test_bobs_my_actions_cost_the_same_for_3_as_for_30(client, owned, police_action, people):
    client.force_login(people["bob"])
    url = reverse("followup:my-actions")

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    with time_machine.travel(AFTER_DUE, tick=False):
        few = queries()
        for copy in _copies(police_action, 24, first_day=20):
            Action.objects.filter(pk=copy.pk).update(**owner_columns(people["bob"]))
        assert queries() == few


def test_bobs_my_actions_api_pages_his_and_his_agencys(client, owned, people):
    token = bearer(api_token_create(user=people["bob"], name="Case system")[1])
    order = sorted(owned["bob"] + owned["csc"])
    path = "/api/followup/my-actions/"
    with time_machine.travel(AFTER_DUE, tick=False):
        first = client.get(f"{path}?limit=3", headers=token).json()
        second = client.get(f"{path}?limit=3&before=record-{order[2]}", headers=token).json()
        foreign = client.get(f"{path}?limit=3&before=record-{owned['alice'][0]}", headers=token)
    assert [(r["kind"], r["id"]) for r in first] == [("record", pk) for pk in order[:3]]
    assert [r["id"] for r in second] == order[3:]
    assert [r["id"] for r in foreign.json()] == order[:3]


@pytest.mark.parametrize("latest_first", [False, True])
def test_the_first_of_each_part_are_the_first_of_the_or(owned, people, agencies, latest_first):
    """``first_of_parts`` against the plain ``OR`` for every page size, both orders, and
    parts that overlap (an action of two parts is listed once)."""
    order = ("-due_by", "-pk") if latest_first else ("due_by", "pk")
    rows = Action.objects.order_by(*order)
    bob, csc = people["bob"].pk, agencies["csc"].pk
    for parts in (
        (Q(owner_professional=bob), Q(owner_agency=csc)),
        (Q(owning_agency=csc), Q(owner_professional=bob)),  # bob's are csc's work too
        (Q(owner_professional=bob),),
        (),
    ):
        for size in range(1, len(OWNERS) + 3):
            walked = [a.pk for a in first_of_parts(rows, parts=parts, size=size)]
            assert walked == [a.pk for a in meeting(rows, parts)[:size]], (parts, size)


def test_social_care_walks_two_owners_a_partner_one(people):
    assert my_owners(user=people["bob"]) == (
        Q(owner_professional=people["bob"].pk),
        Q(owner_agency=people["bob"].agency_id),
    )
    assert my_owners(user=people["carol"]) == (Q(owning_agency=people["carol"].agency_id),)


@pytest.mark.parametrize("model", [Action, HrpmAction])
def test_each_owner_has_an_index_of_its_actions_by_due_time(model):
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    columns = [c["columns"] for c in found.values() if c["index"]]
    assert ["owner_professional_id", "due_by", "id"] in columns
    assert ["owner_agency_id", "due_by", "id"] in columns


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's walk apart")
def test_bobs_page_walks_each_owner_apart(client, owned, people):
    """One query for the record's actions, a ``UNION ALL`` of each owner's first rows
    (its own ``LIMIT``): not the ``OR`` the planner walked every open action with."""
    client.force_login(people["bob"])
    with time_machine.travel(AFTER_DUE, tick=False), CaptureQueriesContext(connection) as seen:
        client.get(reverse("followup:my-actions"))
    listed = [
        q["sql"] for q in seen.captured_queries if q["sql"].startswith('SELECT "records_action"')
    ]
    assert len(listed) == 1
    assert "UNION ALL" in listed[0]
    assert listed[0].count("LIMIT 51") == 3  # each owner's first 51, and the page's
