"""Agency checks (issue 16): each invited agency sends what it knows before the meeting (R001.7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from convene.agencychecks.models import AgencyCheck, AgencyCheckVersion
from convene.agencychecks.services import agency_check_submit
from convene.audit.models import AuditEntry
from convene.core.errors import Invalid, NotAllowed
from tests.convening import NOW, accepted_referral, scheduled_discussion
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

POLICE = {"known": "yes", "history": "Two call-outs to the address in 2025.", "concerns": "DV"}


@pytest.fixture
def discussion(people, partnership, agencies):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    return scheduled_discussion(referral=referral, people=people, invitees=("carol", "dev", "erin"))


def _board(client, person, discussion):
    client.force_login(person)
    return client.get(reverse("agencychecks:board", args=[discussion.pk]))


def test_police_health_and_school_send_checks_and_the_chair_sees_them_side_by_side(
    client, people, discussion
):
    client.force_login(people["erin"])
    form = client.get(reverse("agencychecks:complete", args=[discussion.pk])).content.decode()
    assert "Attendance, and any pattern in absences" in form  # a school is asked R003.4's items
    response = client.post(
        reverse("agencychecks:complete", args=[discussion.pk]),
        {"known": "yes", "attendance": "84% this term", "completed_by_role": "DSL"},
    )
    assert response.status_code == 302
    agency_check_submit(discussion=discussion, content=POLICE, by=people["carol"], now=NOW)

    page = _board(client, people["bob"], discussion).content.decode()
    assert "2 of 3 agencies sent their check" in page
    assert "Two call-outs to the address in 2025." in page
    assert "84% this term" in page
    assert "Not received" in page  # dev's health trust has not sent one
    assert page.count('<h2 class="govuk-summary-card__title">') == 3


def test_a_nurse_is_not_asked_the_school_questions(client, people, discussion):
    client.force_login(people["dev"])
    form = client.get(reverse("agencychecks:complete", args=[discussion.pk])).content.decode()
    assert "Protective factors" in form
    assert "Attendance, and any pattern in absences" not in form


def test_an_update_after_submission_is_a_new_version_and_the_first_is_kept(people, discussion):
    agency_check_submit(discussion=discussion, content=POLICE, by=people["carol"], now=NOW)
    changed = {**POLICE, "concerns": "Domestic abuse; a new incident last night"}
    agency_check_submit(
        discussion=discussion, content=changed, by=people["carol"], now=NOW + timedelta(hours=1)
    )
    check = AgencyCheck.objects.get(discussion=discussion, agency=people["carol"].agency)
    assert check.version == 2
    assert [v.content["concerns"] for v in check.versions.order_by("number")] == [
        "DV",
        "Domestic abuse; a new incident last night",
    ]
    assert AuditEntry.objects.filter(summary__contains="Updated (version 2)").exists()


def test_a_check_sent_after_the_meeting_started_is_marked_late(client, people, discussion):
    after = discussion.starts_at + timedelta(minutes=5)
    version = agency_check_submit(
        discussion=discussion, content=POLICE, by=people["carol"], now=after
    )
    assert version.late
    assert "Received late" in _board(client, people["bob"], discussion).content.decode()
    assert AuditEntry.objects.filter(summary__contains="after it started").exists()


def test_bad_answers_are_refused_and_nothing_is_written(client, people, discussion):
    with pytest.raises(Invalid, match="known to your agency"):
        agency_check_submit(discussion=discussion, content={}, by=people["carol"], now=NOW)
    with pytest.raises(Invalid, match="why it must not be shared"):
        agency_check_submit(
            discussion=discussion,
            content={"known": "yes", "not_for_family": "The address of the refuge"},
            by=people["carol"],
            now=NOW,
        )
    client.force_login(people["carol"])
    page = client.post(reverse("agencychecks:complete", args=[discussion.pk]), {})
    assert page.status_code == 200
    assert "Select whether the child is known to your agency" in page.content.decode()
    assert not AgencyCheck.objects.filter(version__gt=0).exists()
    assert not AgencyCheckVersion.objects.exists()


def test_only_an_invited_partner_completes_its_own_agencys_check(client, people, discussion):
    with pytest.raises(NotAllowed):  # social care's information is the record's own
        agency_check_submit(discussion=discussion, content=POLICE, by=people["bob"], now=NOW)
    client.force_login(people["alice"])
    assert client.get(reverse("agencychecks:complete", args=[discussion.pk])).status_code == 403
    assert _board(client, people["alice"], discussion).status_code == 200


def test_an_uninvited_partner_does_not_know_the_discussion_exists(client, people, discussion):
    assert _board(client, people["ursula"], discussion).status_code == 404
    client.force_login(people["ursula"])
    assert client.get(reverse("agencychecks:complete", args=[discussion.pk])).status_code == 404


def test_a_restricted_referrals_checks_are_only_for_those_named_or_invited(
    client, people, discussion
):
    agency_check_submit(discussion=discussion, content=POLICE, by=people["carol"], now=NOW)
    referral = discussion.referral
    referral.restricted = True
    referral.save(update_fields=["restricted"])
    referral.named_people.add(people["bob"])
    assert _board(client, people["alice"], discussion).status_code == 404
    assert "Two call-outs" in _board(client, people["carol"], discussion).content.decode()


def test_every_view_is_audited_and_the_board_costs_the_same_however_many_agencies_sent(
    client, people, discussion
):
    agency_check_submit(discussion=discussion, content=POLICE, by=people["carol"], now=NOW)
    _board(client, people["bob"], discussion)
    with CaptureQueriesContext(connection) as one:
        _board(client, people["bob"], discussion)
    agency_check_submit(discussion=discussion, content=POLICE, by=people["dev"], now=NOW)
    agency_check_submit(discussion=discussion, content=POLICE, by=people["erin"], now=NOW)
    with CaptureQueriesContext(connection) as three:
        _board(client, people["bob"], discussion)
    assert len(three) == len(one)
    assert AuditEntry.objects.filter(summary__startswith="Opened the agency checks").count() >= 3


def test_the_board_reads_the_versions_once_and_keeps_the_earlier_words(client, people, discussion):
    agency_check_submit(discussion=discussion, content=POLICE, by=people["carol"], now=NOW)
    changed = {**POLICE, "concerns": "Domestic abuse; a new incident last night"}
    agency_check_submit(
        discussion=discussion, content=changed, by=people["carol"], now=NOW + timedelta(hours=1)
    )
    table = AgencyCheckVersion._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        page = _board(client, people["bob"], discussion).content.decode()
    version_reads = [q for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert len(version_reads) == 1
    assert "Domestic abuse; a new incident last night" in page
    assert "Version 1: sent by" in page  # the earlier words, from the same read


def test_my_work_asks_each_invited_partner_for_its_check_until_the_agency_sends_it(
    client, people, discussion
):
    from convene.allocation.work import work_for

    def asked(name):
        rows = work_for(user=people[name], now=NOW)
        return [r for r in rows if r.what == f"Send your agency's check for {discussion.reference}"]

    assert asked("carol")
    assert asked("dev")
    assert asked("erin")
    assert asked("carol")[0].url == reverse("agencychecks:complete", args=[discussion.pk])
    assert not asked("bob")  # social care convenes; its information is the record's
    agency_check_submit(discussion=discussion, content=POLICE, by=people["carol"], now=NOW)
    assert not asked("carol")
    assert asked("dev")


def test_the_record_opens_with_each_agencys_check_attributed_and_time_stamped(people, discussion):
    from convene.policy.vocab import RecordSection
    from convene.records.selectors import record_contents
    from convene.records.services import discussion_hold

    withheld = {**POLICE, "not_for_family": "The caller's name", "not_for_family_reason": "Safety"}
    agency_check_submit(
        discussion=discussion, content=withheld, by=people["carol"], now=NOW, context=None
    )
    held = discussion.starts_at + timedelta(minutes=1)
    record = discussion_hold(discussion=discussion, held_at=held, by=people["bob"], now=held)
    shared = record_contents(record=record)[RecordSection.INFORMATION_SHARED]
    (police,) = shared["contributions"]
    assert police["agency"] == people["carol"].agency.name
    assert police["shared_by"] == f"{people['carol']}, agency check sent 4 March 2026 at 10:00"
    assert "Relevant history and incidents: Two call-outs" in police["information"]
    assert police["not_for_family"] is True
    # The chair edits the record, never the agency's own words.
    assert AgencyCheckVersion.objects.get().content == withheld


@pytest.mark.parametrize("name", ["carol", "bob", "alice", "ursula"])
def test_the_page_and_the_service_ask_one_rule_of_who_completes_a_check(people, discussion, name):
    """``selectors.may_complete`` and ``services.agency_check_submit`` agree (one rule)."""
    from convene.agencychecks.selectors import completion_refusal, may_complete

    person = people[name]
    refusal = completion_refusal(user=person, discussion=discussion)
    assert may_complete(user=person, discussion=discussion) is (refusal is None)
    if refusal is None:
        agency_check_submit(discussion=discussion, content=POLICE, by=person, now=NOW)
    else:
        with pytest.raises(type(refusal), match=str(refusal)[:20]):
            agency_check_submit(discussion=discussion, content=POLICE, by=person, now=NOW)
