"""Each agency's check is on the one clock table (issue 16): started when the discussion is
arranged, due by the pack's lead time before the meeting (England: its start), asked for by
email through the outbox, reminded to the agency's invitees, met when sent (R001.7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from convene.agencychecks.models import AgencyCheck
from convene.agencychecks.services import agency_check_submit
from convene.clocks.labels import CLOCK_KIND_LABELS
from convene.clocks.models import Clock
from convene.clocks.reminders import clock_reminders_decide
from convene.clocks.services import clocks_sweep
from convene.discussions.services import discussion_cancel, discussion_reschedule
from convene.policy.vocab import ClockKind
from convene.reminders.models import Delivery
from tests.convening import NOW, accepted_referral, scheduled_discussion

pytestmark = pytest.mark.django_db

POLICE = {"known": "yes", "history": "Two call-outs to the address in 2025."}


@pytest.fixture
def discussion(people, partnership, agencies):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    return scheduled_discussion(referral=referral, people=people, invitees=("carol", "dev", "erin"))


def _clock(discussion, person, **states):
    check = AgencyCheck.objects.get(discussion=discussion, agency=person.agency)
    return Clock.objects.filter(kind=ClockKind.AGENCY_CHECK, subject_id=check.pk, **states).get(
        subject_type__model="agencycheck"
    )


def _told(person, kind):
    return Delivery.objects.filter(recipient=person, kind=kind)


def test_R001_7_arranging_the_discussion_starts_a_clock_per_agency_due_at_the_meetings_start(
    people, discussion
):
    clocks = Clock.objects.filter(kind=ClockKind.AGENCY_CHECK)
    assert clocks.count() == 3  # police, health, school; social care has no check of its own
    assert {clock.due_at for clock in clocks} == {discussion.starts_at}
    assert {clock.started_at for clock in clocks} == {NOW}
    assert {clock.rule_id for clock in clocks} == {"england.agency_check.default"}
    assert "R001.7" in clocks.first().citation
    assert CLOCK_KIND_LABELS[ClockKind.AGENCY_CHECK]


def test_R001_7_each_invitee_of_an_agency_is_asked_in_convene_and_by_email_with_the_link(
    people, discussion
):
    for name in ("carol", "dev", "erin"):
        asked = _told(people[name], "agency_check.request")
        assert {d.channel for d in asked} == {Delivery.Channel.IN_APP, Delivery.Channel.EMAIL}
        assert asked.first().link == reverse("agencychecks:complete", args=[discussion.pk])
        assert discussion.reference in asked.first().subject
    assert not _told(people["bob"], "agency_check.request").exists()


def test_R001_7_sending_the_check_meets_its_clock_and_the_others_still_run(people, discussion):
    agency_check_submit(discussion=discussion, content=POLICE, by=people["carol"], now=NOW)
    assert _clock(discussion, people["carol"]).state == Clock.State.MET
    assert _clock(discussion, people["dev"]).state == Clock.State.PENDING


def test_R001_7_a_check_not_sent_is_reminded_to_its_agency_then_late_and_met_late(
    people, discussion
):
    soon = discussion.starts_at - timedelta(minutes=90)
    clock_reminders_decide(now=soon)
    assert _told(people["dev"], "due_in_2_hours").filter(channel=Delivery.Channel.IN_APP)
    assert not _told(people["carol"], "due_in_2_hours").filter(
        source_id=_clock(discussion, people["dev"]).pk
    )
    after = discussion.starts_at + timedelta(minutes=30)
    clocks_sweep(now=after)
    assert _clock(discussion, people["dev"]).state == Clock.State.BREACHED
    clock_reminders_decide(now=after)
    assert _told(people["dev"], "overdue").exists()
    agency_check_submit(discussion=discussion, content=POLICE, by=people["dev"], now=after)
    late = _clock(discussion, people["dev"])
    assert late.state == Clock.State.MET
    assert late.met_at > late.due_at


def test_R001_7_moving_the_meeting_moves_the_due_time_and_cancelling_closes_the_checks(
    people, discussion
):
    later = discussion.starts_at + timedelta(days=1)
    discussion_reschedule(
        discussion=discussion,
        starts_at=later,
        ends_at=later + timedelta(hours=1),
        venue=discussion.venue,
        virtual_link=discussion.virtual_link,
        by=people["bob"],
        now=NOW + timedelta(minutes=5),
        expected_version=None,
    )
    assert _clock(discussion, people["dev"], state=Clock.State.PENDING).due_at == later
    assert _clock(discussion, people["dev"], state=Clock.State.WAIVED).due_at < later
    assert _told(people["dev"], "agency_check.request").count() == 2  # asked once, not again
    discussion.refresh_from_db()
    discussion_cancel(
        discussion=discussion,
        reason="Strategy meeting instead",
        by=people["bob"],
        now=NOW + timedelta(minutes=10),
        expected_version=None,
    )
    assert not Clock.objects.filter(kind=ClockKind.AGENCY_CHECK, state=Clock.State.PENDING)


def test_R001_7_the_board_shows_a_missing_check_as_not_received_then_late(
    client, people, discussion
):
    agency_check_submit(discussion=discussion, content=POLICE, by=people["carol"], now=NOW)
    url = reverse("agencychecks:board", args=[discussion.pk])
    with time_machine.travel(NOW, tick=False):
        client.force_login(people["bob"])
        before = client.get(url).content.decode()
    assert before.count("Not received</strong>") == 2  # health and the school
    assert "Not received: late" not in before
    assert "It was due by 4 March 2026 at 13:00" in before
    with time_machine.travel(discussion.starts_at + timedelta(minutes=1), tick=False):
        client.force_login(people["bob"])
        after = client.get(url).content.decode()
    assert after.count("Not received: late") == 2
    assert "Two call-outs" in after  # the police's, received in time


def test_a_sweeps_batch_reads_each_checks_invitees_once_for_all(
    people, partnership, agencies, discussion, django_assert_max_num_queries
):
    # The sweep asks who answers for its batch's checks at once (issue 15): the same people
    # as each check asked on its own, in one query for any number of checks.
    from convene.clocks.parties import resolve_responsible, resolve_responsible_many, subject_key

    other = scheduled_discussion(
        referral=accepted_referral(people=people, partnership=partnership, agencies=agencies),
        people=people,
        invitees=("carol", "dev"),
    )
    checks = list(AgencyCheck.objects.filter(discussion__in=[discussion, other]).order_by("pk"))
    assert len(checks) >= 4
    expected = {subject_key(check): resolve_responsible(check) for check in checks}
    assert any(expected.values())
    fresh = list(AgencyCheck.objects.filter(pk__in=[c.pk for c in checks]))
    with django_assert_max_num_queries(1):
        found = resolve_responsible_many(fresh)
    assert found == expected
