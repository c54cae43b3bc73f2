"""The partnership stored on each action (``partnership``, ``convene.records.owning``; issue 15).

Social care's Actions list filtered the open actions by their discussion's partnership,
through the join: PostgreSQL walked every open action most urgent first and found none
for a small partnership (Northvale's at 1,000,000 discussions: 12 s). The action now
stores its partnership when it is made, and the list walks each of the person's
partnerships apart by ``(partnership, due_by, id)``. These tests pin that the column is
the discussion's (the HRPM's) wherever an action is made, that the migration's backfill
fills it, that the lists show the rows, in the order, the join showed (need-to-know
unchanged), and that the list's SQL asks the action's own column."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import F, Q

from convene.core.access import among
from convene.discussions.selectors import discussions_visible_to
from convene.followup.actions import selectors
from convene.followup.hrpm.selectors import hrpms_visible_to
from convene.followup.hrpm.services import hrpm_action_add
from convene.followup.models import HrpmAction
from convene.people.models import Partnership, Professional
from convene.people.selectors import partnerships_of, sees_whole_caseload
from convene.records import owning
from convene.records.models import Action
from tests.access_matrix import PERSONAS
from tests.core.conftest import world  # noqa: F401 - fixture
from tests.followup.conftest import london
from tests.followup.test_action_owning_agency import colleague, mixed  # noqa: F401 - fixtures
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

KINDS = (
    (Action, selectors.actions_visible_to, discussions_visible_to, "record__discussion"),
    (HrpmAction, selectors.hrpm_actions_visible_to, hrpms_visible_to, "meeting__hrpm"),
)


def _misfiled() -> list[tuple[str, int]]:
    """Actions whose stored partnership is not their discussion's (their HRPM's), or whose
    stored discussion is not their record's."""
    return [
        *(
            ("discussion", pk)
            for pk in Action.objects.exclude(discussion=F("record__discussion")).values_list(
                "pk", flat=True
            )
        ),
        *(
            ("record", pk)
            for pk in Action.objects.exclude(
                partnership=F("record__discussion__partnership")
            ).values_list("pk", flat=True)
        ),
        *(
            ("hrpm", pk)
            for pk in HrpmAction.objects.exclude(
                partnership=F("meeting__hrpm__partnership")
            ).values_list("pk", flat=True)
        ),
    ]


def _old_seen(model, user: Professional, parents, via: str):
    """The old ``..._visible_to(user)``: the partnership through the join."""
    if not user.is_active or user.agency_id is None:
        return model.objects.none()
    whose = Q(owning_agency=user.agency_id)
    if sees_whole_caseload(user=user):
        whose |= Q(**{f"{via}__partnership__in": partnerships_of(user=user)})
    return model.objects.filter(among(parents(user=user), via)).filter(whose)


def _page_ids(rows, *, show_all: bool, parts=()) -> list[int]:
    page = selectors.actions_page(rows, show_all=show_all, before=None, size=50, parts=parts)
    return [row.pk for row in page.rows]


def _assert_same_lists(people, usernames) -> None:
    for username in usernames:
        user = people[username]
        for model, visible, parents, via in KINDS:
            new, old = visible(user=user), _old_seen(model, user, parents, via)
            assert set(new.values_list("pk", flat=True)) == set(old.values_list("pk", flat=True)), (
                username,
                model,
            )
            if not sees_whole_caseload(user=user):
                continue  # the Actions list is social care's
            for show_all in (False, True):
                walked = _page_ids(new, show_all=show_all, parts=selectors.list_parts(user=user))
                assert walked == _page_ids(old, show_all=show_all), (username, model, show_all)


def test_every_action_made_through_the_services_stores_its_cases_partnership(mixed, people):  # noqa: F811
    made = hrpm_action_add(
        meeting=HrpmAction.objects.first().meeting,
        owner=people["dev"],
        what="A health check",
        due_on=date(2026, 2, 6),
        by=people["alice"],
        now=london(2026, 1, 31, 12, 0),
    )
    assert made.partnership_id == made.meeting.hrpm.partnership_id
    assert Action.objects.exists()
    assert HrpmAction.objects.count() > 1
    assert _misfiled() == []


def test_the_matrix_worlds_actions_store_their_cases_partnership(world):  # noqa: F811
    assert Action.objects.exists()
    assert HrpmAction.objects.exists()
    assert _misfiled() == []


def test_the_actions_list_shows_every_persona_what_the_join_showed(world):  # noqa: F811
    _assert_same_lists(world.people, [p for p in PERSONAS if p in world.people])


def test_a_neighbours_actions_stay_the_neighbours(mixed, people):  # noqa: F811
    """With an action in Northvale too (moved there by its stored partnership and its
    discussion's), nick sees his partnership's and alice hers, as through the join."""
    neighbour = Partnership.objects.exclude(pk=mixed.partnership_id).get(
        agencies=people["nick"].agency
    )
    discussion = mixed.record.discussion
    for case in (discussion.referral, discussion):
        case.partnership = neighbour
        case.save(update_fields=["partnership"])
    Action.objects.filter(record__discussion=discussion).update(partnership=neighbour)
    _assert_same_lists(people, ["alice", "bob", "nick", "carol"])
    nick = people["nick"]
    assert set(selectors.actions_visible_to(user=nick).values_list("partnership", flat=True)) == {
        neighbour.pk
    }


def test_the_actions_list_asks_the_actions_own_partnership(people):
    alice = people["alice"]
    (home,) = partnerships_of(user=alice).values_list("pk", flat=True)
    parts = selectors.list_parts(user=alice)
    for visible, table in (
        (selectors.actions_visible_to, "records_action"),
        (selectors.hrpm_actions_visible_to, "followup_hrpmaction"),
    ):
        with CaptureQueriesContext(connection) as captured:
            selectors.actions_page(
                visible(user=alice), show_all=False, before=None, size=50, parts=parts
            )
        sql = captured.captured_queries[-1]["sql"]
        # The action's own column (its table, or its alias in a part walked apart), one
        # equality per partnership, not the discussion's (the HRPM's) through the join.
        assert re.search(rf'("{table}"|U0)\."partnership_id" = {home}\b', sql), sql


@pytest.mark.parametrize("model", [Action, HrpmAction])
def test_each_partnership_has_an_index_of_its_actions_by_due_time(model):
    indexed = {(tuple(index.fields), index.condition is not None) for index in model._meta.indexes}
    assert (("partnership", "due_by", "id"), True) in indexed
    assert (("partnership", "due_by", "id"), False) in indexed


def test_the_migrations_backfill_sets_each_actions_stored_columns_in_one_update(mixed, people):  # noqa: F811
    other = Partnership.objects.exclude(pk=mixed.partnership_id).first()
    elsewhere = Action.objects.exclude(record=mixed.record).first().record.discussion
    editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    editor.quote_name = connection.ops.quote_name
    for model, field, wrong in (
        (Action, "partnership", other),
        (HrpmAction, "partnership", other),
        (Action, "discussion", elsewhere),
    ):
        expected = dict(model.objects.values_list("pk", field))
        model.objects.update(**{field: wrong})  # wrong everywhere, as before the backfill
        with CaptureQueriesContext(connection) as captured:
            owning.stored_backfill(
                apps, editor, model._meta.app_label, model._meta.object_name, field
            )
        assert dict(model.objects.values_list("pk", field)) == expected
        updates = [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
        assert len(updates) == 1
    assert _misfiled() == []


def test_a_partners_listed_actions_ask_the_actions_own_discussion(mixed, people):  # noqa: F811
    """A partner's My work and My actions (``listed``) hash her own discussions' keys
    against the action's stored discussion, with no probe of each action's record (12-19 ms
    for a police officer at a million discussions, issue 15), and show what the join
    showed."""
    for username in ("carol", "dev", "carol.colleague"):
        user = Professional.objects.get(username=username)
        listed = selectors.actions_visible_to(user=user, listed=True)
        assert "records_record" not in str(listed.query)
        old = _old_seen(Action, user, discussions_visible_to, "record__discussion")
        assert set(listed.values_list("pk", flat=True)) == set(old.values_list("pk", flat=True))
    assert selectors.actions_visible_to(user=people["carol"], listed=True).exists()
