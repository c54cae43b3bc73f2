"""Whose work an action is, stored (``owning_agency``, ``convene.records.owning``; issue 15).

A partner's "My actions" was an ``OR`` of three owners (themselves, their agency, a
colleague at it) that no index serves; it is now one equality on the stored owning agency,
walked by ``(owning_agency, due_by, id)``. These tests pin that the column is right wherever
an owner is set (made, reassigned by a correction, an HRPM's action, a person's move of
agency, the migration's backfill) and that the lists show exactly the rows, in the order,
the three-owner rule showed: need-to-know unchanged, a restricted case still hidden
(decision 0013: an action is its owner's agency's work)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.test import RequestFactory

from convene.core.access import among
from convene.discussions.selectors import discussions_visible_to
from convene.followup.actions import selectors
from convene.followup.actions.owners import actions_follow_owner
from convene.followup.hrpm.selectors import hrpms_visible_to
from convene.followup.hrpm.services import hrpm_action_add
from convene.followup.models import HrpmAction
from convene.people.factories import ProfessionalFactory
from convene.people.models import Professional
from convene.people.selectors import partnerships_of, sees_whole_caseload
from convene.people.vocab import Role
from convene.policy.vocab import Decision, RecordSection
from convene.records import owning, services
from convene.records.models import Action
from convene.records.owning import owner_columns
from tests.followup.conftest import london
from tests.followup.test_followup_action_access import _restricted_action
from tests.queries import CaptureQueriesContext
from tests.records.conftest import AFTER, entry_content, save
from tests.records.conftest import fill as records_fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(agencies) -> Professional:
    """Another police officer: carol's colleague, never invited to the tests' discussions."""
    return ProfessionalFactory(
        username="carol.colleague", agency=agencies["police"], roles=[Role.POLICE_OFFICER]
    )


def _reassign(record, people, owner_kind: str, owner_id: int) -> Action:
    """A correction that gives the record's one action to another owner, authorised."""
    services.record_correction_start(
        record=record, note="Another owner agreed", by=people["bob"], now=AFTER
    )
    content = entry_content(record, RecordSection.ACTIONS)
    content["actions"][0]["owner_kind"], content["actions"][0]["owner_id"] = owner_kind, owner_id
    save(record, RecordSection.ACTIONS, content, by=people["bob"])
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    return Action.objects.get(record=record)


def test_the_owning_agency_is_set_with_the_owner_when_made_and_reassigned(
    make_record, people, agencies
):
    record = make_record()
    records_fill(record, people, Decision.CHILD_IN_NEED)
    content = entry_content(record, RecordSection.ACTIONS)
    content["actions"][0]["owner_kind"] = "person"
    content["actions"][0]["owner_id"] = people["carol"].pk
    save(record, RecordSection.ACTIONS, content, by=people["bob"])
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    action = Action.objects.get(record=record)
    assert (action.owner_professional_id, action.owning_agency_id) == (
        people["carol"].pk,
        agencies["police"].pk,
    )
    # To an agency: that agency's work; to a person: their agency's.
    action = _reassign(record, people, "agency", agencies["community"].pk)
    assert action.owner_agency_id == action.owning_agency_id == agencies["community"].pk
    assert action.owner_professional_id is None
    action = _reassign(record, people, "person", people["alice"].pk)
    assert (action.owner_agency_id, action.owning_agency_id) == (None, agencies["csc"].pk)


def test_an_hrpm_action_stores_its_owning_agency(police_hrpm_action, people, agencies):
    assert police_hrpm_action.owning_agency_id == agencies["police"].pk
    persons = hrpm_action_add(
        meeting=police_hrpm_action.meeting,
        owner=people["dev"],
        what="A health check",
        due_on=date(2026, 2, 6),
        by=people["alice"],
        now=london(2026, 1, 31, 12, 0),
    )
    assert persons.owning_agency_id == people["dev"].agency_id == agencies["community"].pk


def test_the_database_refuses_an_agencys_action_stored_as_another_agencys_work(
    police_hrpm_action, agencies
):
    with pytest.raises(IntegrityError), transaction.atomic():
        HrpmAction.objects.filter(pk=police_hrpm_action.pk).update(
            owning_agency=agencies["community"]
        )


def _old_rule(user: Professional) -> Q:
    """The rule before the stored column: the three owners (issue 15's starting point)."""
    staff = Professional.objects.filter(agency=user.agency_id).values("pk")
    return (
        Q(owner_professional=user.pk)
        | Q(owner_agency=user.agency_id)
        | Q(owner_professional__in=staff)
    )


def _old_seen(model, user: Professional, parents, via: str):
    """The old ``..._visible_to(user)``, spelt out: need-to-know, then whose to see."""
    whose = _old_rule(user)
    if sees_whole_caseload(user=user):
        whose |= Q(**{f"{via}__partnership__in": partnerships_of(user=user)})
    return model.objects.filter(among(parents(user=user), via)).filter(whose)


def _old_mine(model, user: Professional, parents, via: str):
    """The old ``mine(..._visible_to(user))``: social care its own and its agency's."""
    mine = _old_rule(user)
    if sees_whole_caseload(user=user):
        mine = Q(owner_professional=user.pk) | Q(owner_agency=user.agency_id)
    return _old_seen(model, user, parents, via).filter(mine)


def _ids(rows) -> list[int]:
    return list(rows.filter(status="open").order_by("due_by", "pk").values_list("pk", flat=True))


def _copy(action, owner, days: int):
    """One more open action of the same record or meeting, for ``owner``, due ``days`` later:
    its owner columns as the services set them."""
    copy = type(action).objects.get(pk=action.pk)
    copy.pk = None
    if isinstance(copy, Action):
        copy.key = f"copy-{days}"
    for name, value in owner_columns(owner).items():
        setattr(copy, name, value)
    copy.due_by = action.due_by + timedelta(days=days)
    copy.save()
    return copy


@pytest.fixture
def mixed(s47_decision, police_hrpm_action, people, partnership, agencies, colleague):
    """Open actions of every kind of owner: carol's own, the police's, a colleague's, another
    agency's and a social worker's, on a discussion carol was invited to and on one she was
    not; an HRPM meeting's alike; and a restricted case's (carol invited, social care's)."""
    invited = Action.objects.get(
        record=s47_decision(action_owner=("agency", agencies["police"].pk)).record,
        kind="agreed",
    )
    elsewhere = Action.objects.get(
        record=s47_decision(
            action_owner=("agency", agencies["police"].pk), invitees=("alice", "dev", "erin")
        ).record,
        kind="agreed",
    )
    owners = [people["carol"], colleague, agencies["community"], people["alice"], people["dev"]]
    for parent in (invited, elsewhere, police_hrpm_action):
        for days, owner in enumerate(owners, start=1):
            _copy(parent, owner, days)
    _restricted_action(people, partnership, agencies)
    return invited


@pytest.mark.parametrize("username", ["carol", "alice", "bob", "dev", "lee"])
def test_the_lists_show_the_rows_the_three_owner_rule_showed_in_its_order(mixed, people, username):
    user = people[username]
    for model, visible, parents, via in (
        (Action, selectors.actions_visible_to, discussions_visible_to, "record__discussion"),
        (HrpmAction, selectors.hrpm_actions_visible_to, hrpms_visible_to, "meeting__hrpm"),
    ):
        new = selectors.mine(visible(user=user), user=user)
        assert _ids(new) == _ids(_old_mine(model, user, parents, via)), model
        # Everything the person may see of the actions, not only theirs, is unchanged too.
        assert set(visible(user=user).values_list("pk", flat=True)) == set(
            _old_seen(model, user, parents, via).values_list("pk", flat=True)
        ), model


def test_carols_list_holds_her_own_her_agencys_and_her_colleagues_not_others(
    mixed, people, agencies, colleague
):
    carol = people["carol"]
    rows = selectors.mine(selectors.actions_visible_to(user=carol), user=carol)
    assert rows.count() == 3
    owners = set(rows.values_list("owner_professional", "owner_agency"))
    assert owners == {(carol.pk, None), (colleague.pk, None), (None, agencies["police"].pk)}
    # Nothing of a discussion she was not invited to, nor of the restricted case (not hers).
    assert set(rows.values_list("record", flat=True)) == {mixed.record_id}
    hrpm_rows = selectors.mine(selectors.hrpm_actions_visible_to(user=carol), user=carol)
    assert set(hrpm_rows.values_list("owning_agency", flat=True)) == {agencies["police"].pk}
    assert hrpm_rows.count() == 3  # the police's, hers and her colleague's


def test_a_partners_list_is_one_equality_on_the_owning_agency(people):
    carol = people["carol"]
    for visible in (selectors.actions_visible_to, selectors.hrpm_actions_visible_to):
        rows = selectors.mine(visible(user=carol), user=carol)
        with CaptureQueriesContext(connection) as captured:
            selectors.actions_page(rows, show_all=False, before=None, size=50)
        sql = captured.captured_queries[-1]["sql"]
        assert f'"owning_agency_id" = {carol.agency_id}' in sql, sql
        # Not the OR of the three owners: no owner column, no agency's staff subquery.
        assert 'owner_professional_id" =' not in sql, sql
        assert "people_professional" not in sql, sql


def test_a_move_of_agency_takes_the_persons_actions_with_them(mixed, people, agencies, colleague):
    carol = people["carol"]
    before = _ids(selectors.mine(selectors.actions_visible_to(user=carol), user=carol))
    colleague.agency = agencies["community"]
    colleague.save()
    form = SimpleNamespace(changed_data=["agency"])
    request = RequestFactory().post("/admin/")
    admin.site._registry[Professional].save_model(request, colleague, form, change=True)
    assert set(
        Action.objects.filter(owner_professional=colleague).values_list("owning_agency", flat=True)
    ) == {agencies["community"].pk}
    assert set(
        HrpmAction.objects.filter(owner_professional=colleague).values_list(
            "owning_agency", flat=True
        )
    ) == {agencies["community"].pk}
    after = selectors.mine(selectors.actions_visible_to(user=carol), user=carol)
    assert _ids(after) == _ids(
        _old_mine(Action, carol, discussions_visible_to, "record__discussion")
    )
    assert len(_ids(after)) == len(before) - 1  # the colleague's went with them
    assert actions_follow_owner(professional=colleague) == 0  # already where they are


def test_the_migrations_backfill_fills_every_action_in_batches(mixed, monkeypatch):
    monkeypatch.setattr(owning, "BACKFILL_BATCH", 2)
    expected = {
        model: dict(model.objects.values_list("pk", "owning_agency"))
        for model in (Action, HrpmAction)
    }
    assert all(None not in found.values() for found in expected.values())
    editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    editor.quote_name = connection.ops.quote_name
    for model in (Action, HrpmAction):
        model.objects.update(owning_agency=None)  # as the column was added
        with CaptureQueriesContext(connection) as captured:
            owning.owning_agency_backfill(
                apps, editor, model._meta.app_label, model._meta.object_name
            )
        assert dict(model.objects.values_list("pk", "owning_agency")) == expected[model]
        # Two statements per batch of ids, whatever the number of actions in it.
        batches = (model.objects.order_by("-pk").first().pk // 2) + 1
        assert len(captured.captured_queries) <= 2 * batches + 2
