"""Need-to-know before role: escalations and reminders about a restricted referral (R004.2).

An allegation against a member of staff is visible only to the people named on it
(``referrals_visible_to``). Its late clock is escalated and reminded to the named
people the rule's roles ask for, else to named managers, else to anyone named, else
blind to the head of service; never to a manager who is not named, who does not see
the escalation or the notification either, and gets 404 for both pages.
"""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from convene.clocks.audience import NOTICE_BLIND, audience_for
from convene.clocks.escalation_sweep import escalations_raise_due
from convene.clocks.escalations import (
    BLIND_SUBJECT,
    NOTICE_RAISED,
    EscalationError,
    escalation_raise,
)
from convene.clocks.models import Clock, Escalation
from convene.clocks.reminders import clock_reminders_decide
from convene.clocks.selectors import clocks_visible_to, escalations_visible_to
from convene.clocks.services import clocks_sweep
from convene.clocks.subjects import may_see_subject, registered_subject_models
from convene.discussions.models import Discussion
from convene.discussions.services import discussion_create
from convene.followup.models import Hrpm, HrpmAction, Icpc, S47Enquiry
from convene.people.factories import ChildFactory, ProfessionalFactory
from convene.people.models import Agency, Child, RoleGrant
from convene.people.vocab import Role
from convene.policy.vocab import ClockKind
from convene.records.models import Action
from convene.referrals.models import Referral
from convene.referrals.services import referral_accept
from convene.reminders.models import Delivery
from convene.reminders.selectors import notifications_for
from convene.workdays import LONDON, end_of_day
from tests.clocks.helpers import make_clock
from tests.convening import make_referral

pytestmark = pytest.mark.django_db

STARTED = datetime(2026, 11, 30, 9, tzinfo=LONDON)
DUE = end_of_day(date(2026, 12, 2))
LATE = datetime(2026, 12, 8, 10, tzinfo=LONDON)  # level 1 (and england's level 2) are due


@pytest.fixture
def tess(people, agencies):
    """A second team manager of Riverside's social care, to be named where bob is not."""
    people["tess"] = ProfessionalFactory(
        username="tess", agency=agencies["csc"], roles=[Role.TEAM_MANAGER], email="tess@example.org"
    )
    return people["tess"]


@pytest.fixture
def restricted(people, partnership, agencies):
    """An allegation against staff recorded by tom, naming ``named``; its convene clock."""

    def make(*named: str) -> tuple[Referral, Clock]:
        referral = make_referral(
            people=people,
            partnership=partnership,
            agencies=agencies,
            categories=["allegation_against_staff"],
            named=named,
            now=STARTED,
            received_at=STARTED - timedelta(hours=1),
        )
        assert referral.restricted
        clock = make_clock(partnership, started_at=STARTED, due_at=DUE, subject=referral)
        return referral, clock

    return make


def raised(clock: Clock) -> list[Escalation]:
    clocks_sweep(now=LATE)
    escalations_raise_due(now=LATE)
    return list(clock.escalations.filter(direction="automatic").order_by("level"))


def told(escalation: Escalation, kind: str = NOTICE_RAISED) -> set[str]:
    return set(
        Delivery.objects.filter(
            source_id=escalation.pk, kind=kind, channel=Delivery.Channel.IN_APP
        ).values_list("recipient__username", flat=True)
    )


def addressed(escalation: Escalation) -> set[str]:
    return set(escalation.addressed_to.values_list("username", flat=True))


def test_every_clock_subject_says_who_may_see_it():
    # Each model the apps start clocks on; one missing would be escalated to nobody.
    wanted = {Referral, Discussion, Action, Hrpm, HrpmAction, S47Enquiry, Icpc, Child}
    assert wanted <= registered_subject_models()


def test_an_unregistered_subject_is_seen_by_nobody(people, agencies):
    assert not may_see_subject(user=people["bob"], subject=agencies["police"])
    assert may_see_subject(user=people["bob"], subject=None)


def test_an_unrestricted_subject_is_addressed_as_the_rule_says(people, partnership, agencies):
    child = ChildFactory(partnership=partnership)
    audience = audience_for(
        partnership=partnership,
        subject=child,
        professionals=[people["bob"], people["dina"]],
        agencies=[agencies["police"]],
    )
    assert not audience.need_to_know
    assert not audience.blind
    assert {p.username for p in audience.professionals} == {"bob", "dina"}
    assert audience.agencies == (agencies["police"],)


def test_a_late_restricted_referral_is_escalated_to_the_named_team_manager_only(
    restricted, tess, people, client
):
    referral, clock = restricted("tess", "hana")
    first, second = raised(clock)
    # The rule asks for team managers: tess is named, bob is not.
    assert addressed(first) == told(first) == {"tess"}
    # Level 2 asks for the head of service: hana is named.
    assert addressed(second) == {"hana"}
    for escalation in (first, second):
        assert "bob" not in told(escalation)
        assert "dina" not in told(escalation)
        assert not escalation.addressed_agencies.exists()
    bob = people["bob"]
    assert not escalations_visible_to(user=bob).filter(clock=clock).exists()
    assert not notifications_for(user=bob).exists()
    client.force_login(bob)
    listing = client.get("/escalations/", {"state": "all"})
    assert listing.status_code == 200
    assert f"/escalations/{first.pk}/" not in listing.content.decode()
    assert client.get(f"/escalations/{first.pk}/").status_code == 404
    assert client.get(referral.get_absolute_url()).status_code == 404
    assert f"/escalations/{first.pk}/" not in client.get("/notifications/").content.decode()
    # tess, named, sees both and may act; her notification opens the escalation.
    client.force_login(tess)
    assert client.get(f"/escalations/{first.pk}/").status_code == 200
    assert notifications_for(user=tess).filter(link=f"/escalations/{first.pk}/").exists()


def test_without_a_named_holder_of_the_role_the_named_managers_are_told(restricted, people):
    _, clock = restricted("hana")
    first, _ = raised(clock)
    assert addressed(first) == told(first) == {"hana"}


def test_without_a_named_manager_the_people_named_are_told(restricted, people):
    # Recorded by tom (a triage advisor), naming the LADO only; nobody has triaged it.
    _, clock = restricted("lee")
    first, _ = raised(clock)
    assert addressed(first) == told(first) == {"tom", "lee"}


def test_with_nobody_named_left_the_head_of_service_is_told_blind(restricted, people, client):
    _, clock = restricted("lee")
    for name in ("tom", "lee"):
        people[name].is_active = False
        people[name].save(update_fields=["is_active"])
    first, _ = raised(clock)
    assert addressed(first) == {"hana"}
    assert told(first) == set()
    assert told(first, NOTICE_BLIND) == {"hana"}
    notices = Delivery.objects.filter(source_id=first.pk, kind=NOTICE_BLIND)
    for notice in notices:
        # Nothing of the record: no reference, no summary, no link.
        assert notice.subject == BLIND_SUBJECT
        assert notice.link == ""
        assert clock.summary not in notice.body
        assert "Convene to see it" not in notice.body
    # Hana still may not see the escalation; the blind notice is hers to read.
    hana = people["hana"]
    assert not escalations_visible_to(user=hana).filter(pk=first.pk).exists()
    assert set(notifications_for(user=hana).values_list("kind", flat=True)) == {NOTICE_BLIND}
    client.force_login(hana)
    assert client.get(f"/escalations/{first.pk}/").status_code == 404


def test_reminders_about_a_restricted_clock_go_to_the_named_only(restricted, tess, people):
    _, clock = restricted("tess")
    with time_machine.travel(LATE, tick=False):
        assert clock_reminders_decide(now=LATE) > 0
    reminded = set(
        Delivery.objects.filter(source_id=clock.pk, channel=Delivery.Channel.IN_APP)
        .exclude(source_type__model="escalation")
        .values_list("recipient__username", flat=True)
    )
    assert reminded == {"tess"}
    assert not notifications_for(user=people["dina"]).exists()


def test_someone_taken_off_a_restricted_referral_loses_its_escalations(
    restricted, tess, people, client
):
    referral, clock = restricted("tess", "hana")
    first, _ = raised(clock)
    clock_reminders_decide(now=LATE)
    assert escalations_visible_to(user=tess).filter(pk=first.pk).exists()
    assert notifications_for(user=tess).count() >= 2  # the escalation and the reminder
    referral.named_people.remove(tess)
    assert not escalations_visible_to(user=tess).filter(pk=first.pk).exists()
    assert not clocks_visible_to(user=tess).filter(pk=clock.pk).exists()
    assert not notifications_for(user=tess).exists()
    # What was written for her is still hers, but leads nowhere she may go.
    assert Delivery.objects.filter(recipient=tess, channel=Delivery.Channel.IN_APP).count() >= 2
    client.force_login(tess)
    assert client.get(f"/escalations/{first.pk}/").status_code == 404
    assert client.get(referral.get_absolute_url()).status_code == 404


def test_an_unnamed_manager_cannot_escalate_against_a_restricted_clock(restricted, people):
    _, clock = restricted("hana")
    with pytest.raises(EscalationError, match="cannot escalate this timescale"):
        escalation_raise(
            by=people["bob"],
            partnership=clock.partnership,
            direction=Escalation.Direction.SOCIAL_CARE_TO_PARTNER,
            agency=people["carol"].agency,
            what_is_late="Police checks",
            details="Not back",
            clock=clock,
            now=LATE,
        )


def test_a_named_manager_cannot_escalate_a_restricted_clock_to_an_agency(restricted, people):
    _, clock = restricted("hana")
    with pytest.raises(EscalationError, match="not to an agency"):
        escalation_raise(
            by=people["hana"],
            partnership=clock.partnership,
            direction=Escalation.Direction.SOCIAL_CARE_TO_PARTNER,
            agency=people["carol"].agency,
            what_is_late="Police checks",
            details="Not back",
            clock=clock,
            now=LATE,
        )
    assert not Escalation.objects.exists()


@pytest.mark.parametrize("also", [(), (Role.TEAM_MANAGER,)])
def test_auditors_never_raise_an_escalation_even_through_the_service(
    people, partnership, agencies, also
):
    ivy = people["ivy"]
    RoleGrant.objects.bulk_create([RoleGrant(professional=ivy, role=r.value) for r in also])
    police: Agency = agencies["police"]
    with pytest.raises(PermissionDenied, match="Auditors"):
        escalation_raise(
            by=ivy,
            partnership=partnership,
            direction=Escalation.Direction.SOCIAL_CARE_TO_PARTNER,
            agency=police,
            what_is_late="Police checks",
            details="Not back",
            now=LATE,
        )
    assert not Escalation.objects.exists()
    assert not Delivery.objects.exists()


def test_a_restricted_referrals_discussion_is_escalated_to_the_named_only(restricted, tess, people):
    # What hangs off a restricted referral is asked of its own app's selector too.
    referral, _ = restricted("tess")
    referral = referral_accept(
        referral=referral, by=tess, now=STARTED, expected_version=referral.version
    )
    discussion = discussion_create(
        referral=referral,
        children=list(referral.children.all()),
        kind=referral.chosen_pathway,
        chair=tess,
        invitees=[people["lee"]],
        starts_at=STARTED + timedelta(hours=3),
        ends_at=STARTED + timedelta(hours=4),
        venue="Riverside House, meeting room 2",
        allow_missing_required=True,
        by=tess,
        now=STARTED,
    )
    clock = make_clock(
        discussion.partnership,
        started_at=STARTED,
        due_at=DUE,
        kind=ClockKind.RECORD_DISTRIBUTED,
        subject=discussion,
    )
    for escalation in raised(clock):
        assert addressed(escalation) <= {"tess", "hana", "lee"}
        assert "bob" not in told(escalation)
        assert not escalations_visible_to(user=people["bob"]).filter(pk=escalation.pk).exists()
    assert addressed(raised(clock)[0]) == {"tess"}
