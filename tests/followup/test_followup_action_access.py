"""An action never shows more than the discussion (or HRPM) it comes from (issue 7).

Of the actions whose discussion a person may see, the caseload sees the partnership's and
everyone else their own and their agency's: a LADO in children's social care's agency sees
no action of a discussion he is not on, an action of a restricted record is hidden from
social care staff not named on it, the police see their agency's actions only of
discussions they are invited to, and an auditor reads but never writes.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from convene.core.access import AccessAction, can
from convene.core.errors import NotAllowed, NotFound
from convene.followup.actions.selectors import (
    actions_visible_to,
    may_update_action,
    may_view_action,
    mine,
)
from convene.followup.actions.services import action_update
from convene.followup.models import ActionUpdate
from convene.people.factories import ChildFactory, ProfessionalFactory
from convene.people.vocab import Role
from convene.policy.vocab import Decision
from convene.records.models import Action
from convene.records.services import discussion_hold, record_authorise
from convene.referrals.services import referral_accept
from tests.convening import make_referral, scheduled_discussion
from tests.followup.conftest import HELD_AT, fill, london
from tests.records.conftest import except_missing

pytestmark = pytest.mark.django_db

DUE = london(2026, 3, 5, 12, 0)


def _sees(user, action) -> bool:
    return may_view_action(user=user, action=action)


def _refused(action, user, error) -> None:
    with pytest.raises(error):
        action_update(action=action, status="done", note="x", by=user, now=DUE)


@pytest.fixture
def social_care_action(s47_decision, agencies) -> Action:
    """An action for children's social care's agency, of a discussion lee is not invited to."""
    version = s47_decision(action_owner=("agency", agencies["csc"].pk))
    return Action.objects.get(record=version.record, kind="agreed")


def test_a_lado_in_social_cares_agency_sees_no_action_of_a_discussion_he_is_not_on(
    social_care_action, s47_decision, people
):
    lee = people["lee"]
    alices = Action.objects.get(
        record=s47_decision(action_owner=("person", people["alice"].pk)).record, kind="agreed"
    )
    for action in (social_care_action, alices):
        assert not _sees(lee, action)
        assert not may_update_action(user=lee, action=action)
        assert not can(user=lee, action=AccessAction.VIEW, obj=action)
        _refused(action, lee, NotFound)
    assert not actions_visible_to(user=lee).exists()
    assert not mine(actions_visible_to(user=lee), user=lee).exists()
    # Social care's caseload still sees and carries both.
    assert actions_visible_to(user=people["alice"]).count() == 2
    assert may_update_action(user=people["alice"], action=social_care_action)
    assert not ActionUpdate.objects.exists()


def test_invited_a_lado_sees_and_updates_his_agencys_action(s47_decision, agencies, people):
    version = s47_decision(
        action_owner=("agency", agencies["csc"].pk), invitees=("alice", "carol", "lee")
    )
    action = Action.objects.get(record=version.record, kind="agreed")
    assert _sees(people["lee"], action)
    action_update(
        action=action, status="in_progress", note="Spoke to the employer", by=people["lee"], now=DUE
    )
    # Carol is at the same discussion but the action is not her agency's.
    assert not _sees(people["carol"], action)
    _refused(action, people["carol"], NotFound)


def _restricted_action(people, partnership, agencies) -> Action:
    """An allegation against a member of staff: recorded by tom naming bob and lee, decided
    and chaired by bob, lee and carol invited; its one action is social care's agency's."""
    child = ChildFactory(partnership=partnership, setting=agencies["primary"])
    referral = make_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        children=[child],
        categories=("allegation_against_staff",),
        named=("bob", "lee"),
        now=HELD_AT - timedelta(hours=3),
        received_at=HELD_AT - timedelta(hours=4),
    )
    assert referral.restricted
    referral = referral_accept(
        referral=referral,
        by=people["bob"],
        now=HELD_AT - timedelta(hours=3),
        expected_version=referral.version,
    )
    discussion = scheduled_discussion(
        referral=referral,
        people=people,
        invitees=("lee", "carol"),
        now=HELD_AT - timedelta(hours=3),
        allow_missing_required=True,
    )
    record = discussion_hold(
        discussion=discussion, held_at=HELD_AT, by=people["bob"], now=HELD_AT + timedelta(hours=1)
    )
    fill(record, people, Decision.S47_SINGLE_AGENCY, action_owner=("agency", agencies["csc"].pk))
    except_missing(record, people)  # no health invited: bob records why (R002.4)
    record_authorise(record=record, by=people["bob"], now=HELD_AT + timedelta(hours=1))
    return Action.objects.get(record=record, kind="agreed")


def test_an_action_of_a_restricted_record_is_hidden_from_social_care_not_named_on_it(
    people, partnership, agencies
):
    action = _restricted_action(people, partnership, agencies)
    # Named (bob, lee), or recorded it (tom): the record is theirs to see.
    for name in ("bob", "lee", "tom"):
        assert _sees(people[name], action), name
    assert may_update_action(user=people["bob"], action=action)
    assert may_update_action(user=people["lee"], action=action)  # his agency's
    # Social care, its managers, admin and auditor not named: as if it did not exist.
    for name in ("alice", "dina", "hana", "ivy", "admin"):
        assert not _sees(people[name], action), name
        assert not actions_visible_to(user=people[name]).exists(), name
        _refused(action, people[name], NotFound)
    # Invited, but not the police's action.
    assert not _sees(people["carol"], action)


def test_the_police_see_their_agencys_action_only_of_discussions_they_are_invited_to(
    s47_decision, agencies, people
):
    invited = s47_decision(action_owner=("agency", agencies["police"].pk))
    not_invited = s47_decision(
        action_owner=("agency", agencies["police"].pk), invitees=("alice", "dev", "erin")
    )
    seen = Action.objects.get(record=invited.record, kind="agreed")
    unseen = Action.objects.get(record=not_invited.record, kind="agreed")
    carol = people["carol"]
    assert list(actions_visible_to(user=carol)) == [seen]
    assert list(mine(actions_visible_to(user=carol), user=carol)) == [seen]
    assert may_update_action(user=carol, action=seen)
    _refused(unseen, carol, NotFound)
    assert actions_visible_to(user=people["bob"]).count() == 2
    # The lists' form of the rule (My actions, the API's) shows the same rows.
    assert list(actions_visible_to(user=carol, listed=True)) == [seen]
    assert actions_visible_to(user=people["bob"], listed=True).count() == 2


def test_a_partners_action_list_gathers_their_discussions_first(s47_decision, agencies, people):
    """Listed, a partner's rule is their discussions' keys (invited, or chair) gathered from
    the person indexes, not an invitation probed for each of their agency's actions (a
    police officer's 2,856 at a million discussions, issue 15)."""
    s47_decision(action_owner=("agency", agencies["police"].pk))
    carol = people["carol"]
    sql = str(actions_visible_to(user=carol, listed=True).query)
    assert "UNION" in sql, sql
    assert "EXISTS" not in sql, sql
    assert "EXISTS" in str(actions_visible_to(user=carol).query)  # one action: the probe


def test_an_auditor_reads_every_action_of_the_caseload_and_updates_none(
    s47_decision, agencies, people
):
    ivy = people["ivy"]
    for owner in (("agency", agencies["csc"].pk), ("agency", agencies["police"].pk)):
        action = Action.objects.get(record=s47_decision(action_owner=owner).record, kind="agreed")
        assert _sees(ivy, action)
        assert not may_update_action(user=ivy, action=action)
        assert not can(user=ivy, action=AccessAction.CHANGE, obj=action)
        with pytest.raises(NotAllowed, match="Auditors can read records but cannot change them"):
            action_update(action=action, status="done", note="x", by=ivy, now=DUE)
    assert not ActionUpdate.objects.exists()


def test_triage_reads_a_police_action_and_updates_only_its_own_agencys(
    s47_decision, agencies, people
):
    """Caseload staff who neither carry cases nor belong to the owning agency read only."""
    police = Action.objects.get(
        record=s47_decision(action_owner=("agency", agencies["police"].pk)).record, kind="agreed"
    )
    ours = Action.objects.get(
        record=s47_decision(action_owner=("agency", agencies["csc"].pk)).record, kind="agreed"
    )
    tom = people["tom"]
    assert _sees(tom, police)
    assert _sees(tom, ours)
    assert not may_update_action(user=tom, action=police)
    _refused(police, tom, NotAllowed)
    assert may_update_action(user=tom, action=ours)


# --- HRPM safety-plan actions ---------------------------------------------------------


def test_an_hrpm_action_shows_only_to_those_who_may_see_the_hrpm(
    police_hrpm_action, people, agencies
):
    # Carol attended; a police colleague who did not sees neither the HRPM nor its action.
    colleague = ProfessionalFactory(agency=agencies["police"], roles=[Role.POLICE_OFFICER])
    assert _sees(people["carol"], police_hrpm_action)
    assert may_update_action(user=people["carol"], action=police_hrpm_action)
    assert not _sees(colleague, police_hrpm_action)
    for name in ("lee", "dev", "nick"):
        assert not _sees(people[name], police_hrpm_action), name
        _refused(police_hrpm_action, people[name], NotFound)
    assert _sees(people["ivy"], police_hrpm_action)
    _refused(police_hrpm_action, people["ivy"], NotAllowed)
    assert may_update_action(user=people["alice"], action=police_hrpm_action)
