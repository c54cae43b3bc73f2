"""Every action is tracked to done: a partner updates their own agency's actions only; done
meets the action's due clock on time or late; overdue actions stand out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType

from convene.clocks.status import Rag
from convene.core.errors import Conflict, Invalid, NotAllowed, NotFound
from convene.followup.actions.row_details import with_row_details
from convene.followup.actions.selectors import action_rows, actions_visible_to, mine
from convene.followup.actions.services import action_update
from convene.followup.models import ActionUpdate
from convene.records.models import Action
from tests.followup.conftest import HELD_AT, clocks_of, london

pytestmark = pytest.mark.django_db

# The action agreed on Wednesday 4 March 2026 is due by the end of Thursday 5 March.
DUE_END = london(2026, 3, 5, 23, 59, 59)


@pytest.fixture
def police_action(s47_decision, agencies) -> Action:
    version = s47_decision(action_owner=("agency", agencies["police"].pk))
    return Action.objects.get(record=version.record, kind="agreed")


def test_partner_updates_their_own_agencys_action_to_done_on_time(police_action, people):
    assert clocks_of(police_action)["action_due"].due_at == DUE_END
    first = action_update(
        action=police_action,
        status="in_progress",
        note="Officer allocated",
        by=people["carol"],
        now=HELD_AT + timedelta(hours=5),
        expected_version=0,
    )
    assert first.number == 1
    done = action_update(
        action=police_action,
        status="done",
        note="Visited with the social worker; child seen",
        by=people["carol"],
        now=london(2026, 3, 5, 16, 0),
        expected_version=1,
    )
    police_action.refresh_from_db()
    assert (done.number, police_action.status) == (2, "done")
    assert police_action.closed_note == "Visited with the social worker; child seen"
    clock = clocks_of(police_action)["action_due"]
    assert clock.get_status(now=london(2026, 3, 9)) == Rag.MET
    with pytest.raises(Conflict, match="done"):
        action_update(
            action=police_action, status="done", note="again", by=people["carol"], now=DUE_END
        )


def test_done_after_the_due_date_is_met_late(police_action, people):
    action_update(
        action=police_action,
        status="done",
        note="Done at last",
        by=people["alice"],
        now=london(2026, 3, 6, 9, 0),
    )
    assert clocks_of(police_action)["action_due"].get_status(now=london(2026, 3, 9)) == (
        Rag.MET_LATE
    )


def test_other_agencies_and_partnerships_cannot_see_or_update_it(police_action, people):
    for name in ("dev", "erin", "ursula", "nick"):
        with pytest.raises(NotFound):
            action_update(
                action=police_action, status="done", note="x", by=people[name], now=DUE_END
            )
        assert not actions_visible_to(user=people[name]).exists()
    with pytest.raises(NotAllowed, match="Auditors can read records but cannot change them"):
        action_update(action=police_action, status="done", note="x", by=people["ivy"], now=DUE_END)
    assert actions_visible_to(user=people["ivy"]).get() == police_action
    assert not ActionUpdate.objects.exists()


def test_a_partner_sees_only_their_agencys_actions(s47_decision, agencies, people):
    s47_decision(action_owner=("agency", agencies["police"].pk))
    s47_decision(action_owner=("agency", agencies["community"].pk))
    s47_decision(action_owner=("person", people["alice"].pk))
    assert [a.owner_agency_id for a in actions_visible_to(user=people["carol"])] == [
        agencies["police"].pk
    ]
    assert [a.owner_agency_id for a in actions_visible_to(user=people["dev"])] == [
        agencies["community"].pk
    ]
    assert actions_visible_to(user=people["bob"]).count() == 3
    assert mine(Action.objects.all(), user=people["alice"]).count() == 1


def test_an_update_needs_a_note_and_the_current_version(police_action, people):
    with pytest.raises(Invalid, match="what was done"):
        action_update(
            action=police_action, status="done", note=" ", by=people["carol"], now=DUE_END
        )
    with pytest.raises(Invalid, match="where the action stands"):
        action_update(
            action=police_action, status="finished", note="x", by=people["carol"], now=DUE_END
        )
    action_update(
        action=police_action, status="in_progress", note="Started", by=people["alice"], now=DUE_END
    )
    with pytest.raises(Conflict, match="changed by Alice Ashworth"):
        action_update(
            action=police_action,
            status="done",
            note="Done",
            by=people["carol"],
            now=DUE_END,
            expected_version=0,
        )


def test_overdue_actions_come_first_and_stand_out(s47_decision, agencies, people):
    s47_decision(action_owner=("agency", agencies["police"].pk))
    later = s47_decision(
        action_owner=("agency", agencies["police"].pk), held_at=HELD_AT + timedelta(days=7)
    )
    now = london(2026, 3, 9, 9, 0)  # after the first action's due date, before the second's
    walked = action_rows(actions_visible_to(user=people["carol"])).order_by("due_by", "pk")
    rows = with_row_details(walked, now=now)
    assert [row.overdue for row in rows] == [True, False]
    assert rows[1].record_id == later.record_id
    assert rows[0].child_first_name == "Zoë"
    assert rows[0].update_count == 0


def test_an_action_list_is_one_query_however_long(
    s47_decision, agencies, people, django_assert_max_num_queries
):
    for _ in range(4):
        s47_decision(action_owner=("agency", agencies["police"].pk))
    now = london(2026, 3, 9, 9, 0)
    ContentType.objects.get_for_model(Action)  # cached, as in a running server
    # The walk, then the page's clocks, updates and children: four, however many rows.
    with django_assert_max_num_queries(4):
        rows = with_row_details(action_rows(actions_visible_to(user=people["carol"])), now=now)
    assert len(rows) == 4
    assert all(row.overdue for row in rows)


def test_the_access_layer_answers_for_actions_and_enquiries(police_action, enquiry, people):
    from convene.core.access import AccessAction, can

    assert can(user=people["carol"], action=AccessAction.CHANGE, obj=police_action)
    assert can(user=people["alice"], action=AccessAction.CHANGE, obj=police_action)
    assert can(user=people["ivy"], action=AccessAction.VIEW, obj=police_action)
    assert not can(user=people["ivy"], action=AccessAction.CHANGE, obj=police_action)
    assert not can(user=people["dev"], action=AccessAction.VIEW, obj=police_action)
    assert not can(user=people["nick"], action=AccessAction.VIEW, obj=police_action)
    started = enquiry()
    assert can(user=people["carol"], action=AccessAction.VIEW, obj=started)  # invited
    assert not can(user=people["carol"], action=AccessAction.CHANGE, obj=started)
    assert can(user=people["alice"], action=AccessAction.CHANGE, obj=started)
    assert not can(user=people["ursula"], action=AccessAction.VIEW, obj=started)
