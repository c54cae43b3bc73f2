"""Convening, rescheduling, cancelling and answering through the services (R001.4, R001.5,
R002.4, R002.10, R003.5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from convene.agencychecks.convening import REQUEST_SUBJECT
from convene.clocks.models import Clock
from convene.core.errors import Conflict, Invalid, NotAllowed, StaleVersion
from convene.discussions.models import Discussion, Invitation
from convene.discussions.selectors import discussion_checklist, discussions_visible_to
from convene.discussions.services import (
    discussion_cancel,
    discussion_create,
    discussion_invite,
    discussion_reschedule,
    discussion_schedule,
    invitation_respond,
)
from convene.people.factories import ChildFactory, FamilyMemberFactory
from convene.people.models import ChildLink
from convene.people.selectors import children_visible_to
from convene.referrals.models import Referral
from convene.referrals.selectors import referral_convene_clock
from convene.referrals.services import NewChild
from tests.convening import NOW, scheduled_discussion

pytestmark = pytest.mark.django_db
START = NOW + timedelta(hours=3)
END = START + timedelta(hours=1)


def _create(referral, people, **changes):
    arguments = {
        "referral": referral,
        "children": list(referral.children.all()),
        "kind": "strategy_discussion",
        "chair": people["bob"],
        "invitees": [people["carol"], people["dev"], people["erin"]],
        "starts_at": START,
        "ends_at": END,
        "venue": "Riverside House",
        "virtual_link": "",
        "by": people["bob"],
        "now": NOW,
    }
    arguments.update(changes)
    return discussion_create(**arguments)


def _nothing_convened(referral):
    assert Discussion.objects.count() == 0
    assert Invitation.objects.count() == 0
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED


def _notices(mailoutbox):
    # Each partner's request for its agency check goes too (tests/agencychecks).
    return [m for m in mailoutbox if not m.subject.startswith(REQUEST_SUBJECT)]


def test_convening_schedules_invites_and_marks_the_referral(
    accepted_for, people, django_capture_on_commit_callbacks, mailoutbox
):
    referral = accepted_for()
    with django_capture_on_commit_callbacks(execute=True):
        discussion = _create(referral, people)

    assert discussion.state == Discussion.State.SCHEDULED
    assert discussion.sequence == 0
    invited = set(discussion.invitations.values_list("professional__username", flat=True))
    assert invited == {"bob", "carol", "dev", "erin"}  # the chair is invited too
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CONVENING
    recipients = sorted(message.to[0] for message in _notices(mailoutbox))
    assert recipients == sorted(
        [
            "bob@example.org",
            "carol@example.org",
            "dev@example.org",
            "erin@example.org",
            "rita@example.org",
        ]
    )
    assert all(i.sent_at and i.sent_sequence == 0 for i in discussion.invitations.all())
    discussion.refresh_from_db()
    assert discussion.referrer_notified_at is not None


def test_a_rollback_sends_nothing(accepted_for, people, django_capture_on_commit_callbacks):
    referral = accepted_for()

    def convene_then_fail():
        with transaction.atomic():
            _create(referral, people)
            raise RuntimeError("something later in the same transaction failed")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        convene_then_fail()
    assert callbacks == []
    assert Discussion.objects.count() == 0


def test_a_discussion_can_be_requested_then_scheduled(
    accepted_for, people, django_capture_on_commit_callbacks, mailoutbox
):
    referral = accepted_for()
    with django_capture_on_commit_callbacks(execute=True):
        discussion = _create(referral, people, starts_at=None, ends_at=None, chair=None)
    assert discussion.state == Discussion.State.REQUESTED
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        discussion = discussion_schedule(
            discussion=discussion,
            starts_at=START,
            ends_at=END,
            venue="Riverside House",
            chair=people["dina"],
            by=people["bob"],
            now=NOW,
            expected_version=discussion.version,
        )
    assert discussion.state == Discussion.State.SCHEDULED
    assert discussion.chair == people["dina"]
    assert len(_notices(mailoutbox)) == 5  # carol, dev, erin, dina (chair) and the referrer


# --- The chair (R001.5, R002.4) --------------------------------------------------------


@pytest.mark.parametrize("chair", ["alice", "tom", "carol", "hana"])
def test_R002_4_chair_without_the_role_is_refused_and_nothing_is_saved(accepted_for, people, chair):
    # Halton includes the 2014 standard: a deputy team manager or team manager chairs,
    # so even the head of service is refused (the rules must all be met).
    referral = accepted_for()
    with pytest.raises(Invalid) as caught:
        _create(referral, people, chair=people[chair])
    assert caught.value.field == "chair"
    assert f"{people[chair]} cannot chair" in caught.value.message
    assert "R002.4" in caught.value.message
    _nothing_convened(referral)


@pytest.mark.parametrize("chair", ["bob", "dina"])
def test_R001_5_a_team_manager_or_deputy_chairs(accepted_for, people, chair):
    discussion = _create(accepted_for(), people, chair=people[chair])
    assert discussion.chair == people[chair]


def test_R001_5_england_lets_the_head_of_service_chair(accepted_for, people, partnership):
    partnership.policy_id = "england"
    partnership.save()
    discussion = _create(accepted_for(), people, chair=people["hana"])
    assert discussion.chair == people["hana"]


# --- Bad input ---------------------------------------------------------------------------


def test_scheduling_in_the_past_is_refused(accepted_for, people):
    referral = accepted_for()
    with pytest.raises(Invalid, match="The start must be in the future") as caught:
        _create(referral, people, starts_at=NOW - timedelta(minutes=1), ends_at=END)
    assert caught.value.field == "starts_at"
    _nothing_convened(referral)


def test_ending_before_the_start_is_refused(accepted_for, people):
    referral = accepted_for()
    with pytest.raises(Invalid, match="The end must be after the start"):
        _create(referral, people, ends_at=START)
    _nothing_convened(referral)


def test_no_venue_or_link_is_refused(accepted_for, people):
    referral = accepted_for()
    with pytest.raises(Invalid, match="Enter a venue or a link"):
        _create(referral, people, venue="", virtual_link="")
    _nothing_convened(referral)


def test_R002_10_a_family_member_as_invitee_is_refused(accepted_for, people, partnership):
    referral = accepted_for()
    mother = FamilyMemberFactory(partnership=partnership)
    with pytest.raises(Invalid, match="never invited to a strategy discussion") as caught:
        _create(referral, people, invitees=[people["carol"], people["dev"], mother])
    assert "R0" not in caught.value.message  # plain words on the page (issue 18)
    assert caught.value.field == "invitees"
    _nothing_convened(referral)


def test_an_invitee_from_outside_the_partnership_is_refused(accepted_for, people):
    referral = accepted_for()
    with pytest.raises(Invalid, match="Northvale Children's Social Care, which is not part of"):
        _create(referral, people, invitees=[people["carol"], people["dev"], people["nick"]])
    _nothing_convened(referral)


def test_a_duplicated_invitee_is_refused(accepted_for, people):
    referral = accepted_for()
    with pytest.raises(Invalid, match="Carol Clarke is listed twice"):
        _create(referral, people, invitees=[people["carol"], people["dev"], people["carol"]])
    _nothing_convened(referral)


def test_a_duplicated_child_is_refused(accepted_for, people):
    referral = accepted_for()
    child = referral.children.get()
    with pytest.raises(Invalid, match="is listed twice"):
        _create(referral, people, children=[child, child])
    _nothing_convened(referral)


def test_an_unknown_child_is_refused(accepted_for, people, partnership):
    referral = accepted_for()
    stranger = ChildFactory(partnership=partnership)
    with pytest.raises(Invalid, match="is not on this referral"):
        _create(referral, people, children=[*referral.children.all(), stranger])
    _nothing_convened(referral)


def test_R001_13_a_sibling_can_be_discussed_too(accepted_for, people, partnership):
    referral = accepted_for()
    child = referral.children.get()
    sibling = ChildFactory(partnership=partnership, last_name=child.last_name)
    ChildLink.objects.create(from_child=child, to_child=sibling, kind="sibling")
    discussion = _create(referral, people, children=[child, sibling])
    assert set(discussion.children.all()) == {child, sibling}


def test_nothing_to_convene_before_triage(referral_for, people):
    referral = referral_for()
    with pytest.raises(Conflict, match="awaiting triage"):
        _create(referral, people)
    assert Discussion.objects.count() == 0


@pytest.mark.parametrize("who", ["alice", "tom", "ivy", "carol"])
def test_only_managers_convene(accepted_for, people, who):
    referral = accepted_for()
    with pytest.raises(NotAllowed):
        _create(referral, people, by=people[who])
    _nothing_convened(referral)


# --- Required attendance (R001.4, R002.4) -----------------------------------------------


def test_R002_4_police_and_health_are_required(accepted_for, people):
    referral = accepted_for()
    with pytest.raises(Invalid, match="Required people are not invited: Police; Health"):
        _create(referral, people, invitees=[people["erin"]])
    _nothing_convened(referral)
    # A manager may go ahead knowingly; the gap stays visible on the checklist.
    discussion = _create(referral, people, invitees=[people["erin"]], allow_missing_required=True)
    items = discussion_checklist(
        referral=referral,
        children=list(discussion.children.all()),
        invitees=[i.professional for i in discussion.invitations.all()],
    )
    missing = {item.who for item in items if item.missing}
    assert {"Police", "Health: at least one health professional"} <= missing


def _checklist(referral, invitees, kind="strategy_discussion"):
    return {
        (item.who.split(" (")[0], str(item.requirement)): item
        for item in discussion_checklist(
            referral=referral,
            children=list(referral.children.all()),
            invitees=invitees,
            kind=kind,
        )
    }


def test_R001_4_paediatrician_when_a_medical_may_be_needed(accepted_for, people, partnership):
    partnership.policy_id = "gloucestershire"
    partnership.save()
    referral = accepted_for(medical_needed=True)
    items = _checklist(referral, [people["carol"], people["dev"]])
    assert items[("Paediatrician", "mandatory")].missing
    items = _checklist(referral, [people["carol"], people["priya"]])
    assert not items[("Paediatrician", "mandatory")].missing
    assert items[("Health: at least one health professional", "mandatory")].met_by == (
        "Priya Patel",
    )


def test_R001_4_midwifery_and_health_visiting_before_birth(accepted_for, people, partnership):
    partnership.policy_id = "gloucestershire"
    partnership.save()
    referral = accepted_for(
        children=[],
        new_children=[
            NewChild(last_name="Smith", expected_date_of_delivery=NOW.date() + timedelta(days=50))
        ],
    )
    items = _checklist(referral, [people["carol"], people["mia"]])
    assert not items[("Midwife", "mandatory")].missing
    assert items[("Health visitor", "mandatory")].missing


def test_R001_4_carer_and_cic_nurse_for_a_child_in_care(
    accepted_for, people, partnership, agencies
):
    partnership.policy_id = "gloucestershire"
    partnership.save()
    child = ChildFactory(
        partnership=partnership, legal_status="child_in_care", setting=agencies["primary"]
    )
    referral = accepted_for(children=[child])
    items = _checklist(referral, [people["carol"], people["dev"]])
    assert items[("Foster carer / residential worker", "mandatory")].missing
    cic = items[("Children-in-care nurse", "advisory")]
    assert cic.advisory  # "where possible": flagged, never blocking
    assert cic.missing
    items = _checklist(referral, [people["carol"], people["dev"], people["fay"], people["nia"]])
    assert not items[("Foster carer / residential worker", "mandatory")].missing
    assert not items[("Children-in-care nurse", "advisory")].missing


def test_R001_4_referring_agency_and_setting(accepted_for, people, partnership):
    partnership.policy_id = "gloucestershire"
    partnership.save()
    referral = accepted_for()  # referred by the primary school, which the child attends
    items = _checklist(referral, [people["carol"], people["dev"]])
    assert items[("The referring agency", "mandatory")].missing
    assert items[("The child's school or setting", "mandatory")].missing
    items = _checklist(referral, [people["carol"], people["dev"], people["erin"]])
    assert items[("The referring agency", "mandatory")].met_by == ("Erin Evans",)
    assert not items[("The child's school or setting", "mandatory")].missing
    assert items[("Parents and carers", "excluded")].status == "never_invited"


def test_referring_agency_not_applicable_for_a_member_of_the_public(accepted_for, people):
    referral = accepted_for(referrer_agency=None)
    items = _checklist(referral, [people["carol"], people["dev"]])
    assert items[("The referring agency", "advisory")].status == "not_applicable"


# --- Reschedule, invite, cancel, respond -------------------------------------------------


def test_reschedule_raises_the_sequence(accepted_for, people):
    discussion = scheduled_discussion(referral=accepted_for(), people=people)
    moved = discussion_reschedule(
        discussion=discussion,
        starts_at=START + timedelta(days=1),
        ends_at=END + timedelta(days=1),
        venue="Riverside House",
        by=people["bob"],
        now=NOW,
        expected_version=discussion.version,
    )
    assert moved.sequence == 1
    assert moved.version == discussion.version + 1
    assert moved.starts_at == START + timedelta(days=1)


def test_a_stale_reschedule_is_refused_and_changes_nothing(accepted_for, people):
    discussion = scheduled_discussion(referral=accepted_for(), people=people)
    opened = discussion.version
    discussion_invite(
        discussion=discussion,
        invitees=[people["priya"]],
        by=people["dina"],
        now=NOW,
        expected_version=opened,
    )
    with pytest.raises(StaleVersion, match="This discussion was changed by Dina Desai at"):
        discussion_reschedule(
            discussion=discussion,
            starts_at=START + timedelta(days=1),
            ends_at=END + timedelta(days=1),
            venue="Elsewhere",
            by=people["bob"],
            now=NOW,
            expected_version=opened,
        )
    discussion.refresh_from_db()
    assert discussion.starts_at == NOW + timedelta(hours=3)
    assert discussion.sequence == 0


def test_reschedule_into_the_past_is_refused(accepted_for, people):
    discussion = scheduled_discussion(referral=accepted_for(), people=people)
    with pytest.raises(Invalid, match="must be in the future"):
        discussion_reschedule(
            discussion=discussion,
            starts_at=NOW - timedelta(hours=2),
            ends_at=NOW - timedelta(hours=1),
            venue="x",
            by=people["bob"],
            now=NOW,
            expected_version=discussion.version,
        )
    discussion.refresh_from_db()
    assert discussion.sequence == 0


def test_inviting_someone_twice_is_refused(accepted_for, people):
    discussion = scheduled_discussion(referral=accepted_for(), people=people)
    with pytest.raises(Invalid, match="Carol Clarke is already invited"):
        discussion_invite(
            discussion=discussion,
            invitees=[people["carol"]],
            by=people["bob"],
            now=NOW,
            expected_version=discussion.version,
        )


def test_cancelling_keeps_the_duty_to_convene(accepted_for, people):
    referral = accepted_for()
    discussion = scheduled_discussion(referral=referral, people=people)
    with pytest.raises(Invalid, match="Enter the reason"):
        discussion_cancel(
            discussion=discussion,
            reason=" ",
            by=people["bob"],
            now=NOW,
            expected_version=discussion.version,
        )
    cancelled = discussion_cancel(
        discussion=discussion,
        reason="Police unavailable; rearranging for tomorrow morning",
        by=people["bob"],
        now=NOW,
        expected_version=discussion.version,
    )
    assert cancelled.state == Discussion.State.CANCELLED
    assert cancelled.sequence == 1
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED  # still to convene
    assert referral_convene_clock(referral=referral).state == Clock.State.PENDING


def test_cancelling_and_closing_waives_the_clock_with_the_reason(accepted_for, people):
    referral = accepted_for()
    discussion = scheduled_discussion(referral=referral, people=people)
    discussion_cancel(
        discussion=discussion,
        reason="New information: the injury was accidental, confirmed by the hospital",
        close_referral=True,
        by=people["bob"],
        now=NOW,
        expected_version=discussion.version,
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    clock = referral_convene_clock(referral=referral)
    assert clock.state == Clock.State.WAIVED
    assert clock.waived_reason.startswith("New information")


def test_a_cancelled_discussion_cannot_be_rescheduled(accepted_for, people):
    discussion = scheduled_discussion(referral=accepted_for(), people=people)
    discussion = discussion_cancel(
        discussion=discussion,
        reason="Not needed",
        by=people["bob"],
        now=NOW,
        expected_version=discussion.version,
    )
    with pytest.raises(Conflict, match="cancelled"):
        discussion_reschedule(
            discussion=discussion,
            starts_at=START,
            ends_at=END,
            venue="x",
            by=people["bob"],
            now=NOW,
            expected_version=discussion.version,
        )


def test_apologies_are_recorded(accepted_for, people):
    discussion = scheduled_discussion(referral=accepted_for(), people=people)
    invitation = discussion.invitations.get(professional=people["carol"])
    answered = invitation_respond(
        invitation=invitation,
        response="apologies",
        note="In court all day; DS Patel will attend instead",
        by=people["carol"],
        now=NOW,
    )
    assert answered.response == Invitation.Response.APOLOGIES
    assert answered.responded_at == NOW
    assert "DS Patel" in answered.response_note


def test_someone_else_cannot_answer_for_an_invitee(accepted_for, people):
    discussion = scheduled_discussion(referral=accepted_for(), people=people)
    invitation = discussion.invitations.get(professional=people["carol"])
    with pytest.raises(NotAllowed):
        invitation_respond(invitation=invitation, response="accepted", by=people["dev"], now=NOW)
    # A manager may record apologies given by phone, with what was said.
    answered = invitation_respond(
        invitation=invitation, response="apologies", note="Phoned: sick", by=people["bob"], now=NOW
    )
    assert answered.modified_by == people["bob"]


# --- Who sees what ------------------------------------------------------------------------


def test_partners_see_only_the_discussions_they_are_invited_to(accepted_for, people):
    invited = scheduled_discussion(referral=accepted_for(), people=people)
    other = scheduled_discussion(
        referral=accepted_for(),
        people=people,
        invitees=("dev", "priya"),
        allow_missing_required=True,
    )
    assert list(discussions_visible_to(user=people["carol"])) == [invited]
    assert set(discussions_visible_to(user=people["bob"])) == {invited, other}
    assert not discussions_visible_to(user=people["ursula"]).exists()
    # ...and the children in them, nobody else's.
    assert set(children_visible_to(user=people["carol"])) == set(invited.children.all())
    assert not children_visible_to(user=people["ursula"]).exists()
