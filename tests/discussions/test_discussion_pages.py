"""Convening and the discussion pages, My invitations and My work (through the checked client)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from convene.agencychecks.convening import REQUEST_SUBJECT
from convene.discussions.models import Discussion, Invitation
from tests.convening import scheduled_discussion

pytestmark = pytest.mark.django_db


@pytest.fixture
def triaged(people, accepted_for):
    # Accepted now (not at the fixed test time) so that page times are in the future.
    return accepted_for(now=timezone.now(), received_at=timezone.now() - timedelta(hours=1))


def _convene_data(referral, people, **changes):
    day = timezone.localdate() + timedelta(days=1)
    data = {
        "kind": "strategy_discussion",
        "children": [str(c.pk) for c in referral.children.all()],
        "date-day": day.day,
        "date-month": day.month,
        "date-year": day.year,
        "start_time": "10:00",
        "end_time": "11:00",
        "venue": "Riverside House",
        "virtual_link": "https://meet.example.org/sd",
        "chair": people["bob"].pk,
        "invitees": [people["carol"].pk, people["dev"].pk, people["erin"].pk],
    }
    data.update(changes)
    return data


def test_the_convene_page_shows_the_required_attendee_checklist(client, people, triaged):
    client.force_login(people["bob"])
    html = client.get(f"/discussions/new/{triaged.pk}/").content.decode()
    assert "Convene the discussion for" in html
    assert "Who should take part" in html
    assert "Required</strong>" in html
    assert "Where possible</strong>" in html
    assert "Never invited" in html
    assert "Could attend: Carol Clarke (Shire Constabulary)" in html
    # Family members are never offered; other partnerships' staff are not offered either.
    assert "Nick Newman" not in html
    assert "deputy team manager or team manager" in html


def test_convening_through_the_page_sends_invitations(
    client, people, triaged, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(people["bob"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/discussions/new/{triaged.pk}/", _convene_data(triaged, people))
    discussion = Discussion.objects.get()
    assert response.url == f"/discussions/{discussion.pk}/"
    assert discussion.invitations.count() == 4
    # Invitations (and the referrer's notice); each partner's agency-check request goes too.
    notices = [m for m in mailoutbox if not m.subject.startswith(REQUEST_SUBJECT)]
    assert len(notices) == 5
    html = client.get(f"/discussions/{discussion.pk}/").content.decode()
    assert "Sent " in html
    assert "Carol Clarke" in html


def test_a_chair_without_the_role_is_an_error_on_the_page(client, people, triaged):
    client.force_login(people["bob"])
    response = client.post(
        f"/discussions/new/{triaged.pk}/", _convene_data(triaged, people, chair=people["alice"].pk)
    )
    html = response.content.decode()
    assert "<title>Error: Convene the discussion" in html
    # The page offers only who may chair (R001.5): anyone else posted is refused, saying who may.
    assert "That person cannot chair" in html
    assert "deputy team manager or team manager of children" in html
    assert 'href="#id_chair"' in html
    assert Discussion.objects.count() == 0


def test_scheduling_in_the_past_is_an_error_on_the_page(client, people, triaged):
    client.force_login(people["bob"])
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        f"/discussions/new/{triaged.pk}/",
        _convene_data(
            triaged,
            people,
            **{
                "date-day": yesterday.day,
                "date-month": yesterday.month,
                "date-year": yesterday.year,
            },
        ),
    )
    assert "The start must be in the future" in response.content.decode()
    assert Discussion.objects.count() == 0


def test_missing_required_people_must_be_confirmed(client, people, triaged):
    client.force_login(people["bob"])
    data = _convene_data(triaged, people, invitees=[people["erin"].pk])
    html = client.post(f"/discussions/new/{triaged.pk}/", data).content.decode()
    assert "Required people are not invited: Police; Health" in html
    assert "Go ahead without the required people" in html
    assert Discussion.objects.count() == 0
    response = client.post(
        f"/discussions/new/{triaged.pk}/", {**data, "allow_missing_required": "on"}
    )
    assert response.status_code == 302
    assert Discussion.objects.count() == 1


@pytest.mark.parametrize("who", ["alice", "ivy", "carol"])
def test_only_managers_convene_through_the_page(client, people, triaged, who):
    client.force_login(people[who])
    status = 404 if who == "carol" else 403
    assert client.get(f"/discussions/new/{triaged.pk}/").status_code == status
    response = client.post(f"/discussions/new/{triaged.pk}/", _convene_data(triaged, people))
    assert response.status_code == status
    assert Discussion.objects.count() == 0


@pytest.fixture
def discussion(triaged, people):
    return scheduled_discussion(referral=triaged, people=people, now=timezone.now())


def test_a_partner_sees_the_discussion_they_are_invited_to_and_404_for_others(
    client, people, discussion, accepted_for
):
    other = scheduled_discussion(
        referral=accepted_for(now=timezone.now(), received_at=timezone.now() - timedelta(hours=1)),
        people=people,
        invitees=("dev",),
        allow_missing_required=True,
        now=timezone.now(),
    )
    client.force_login(people["carol"])
    html = client.get("/invitations/").content.decode()
    assert discussion.reference in html
    assert other.reference not in html
    page = client.get(f"/discussions/{discussion.pk}/").content.decode()
    assert "Your reply" in page
    assert "Dad did it" not in page  # the referral's account is not shared on this page
    assert client.get(f"/discussions/{other.pk}/").status_code == 404
    child = discussion.children.get()
    assert client.get(f"/children/{child.pk}/").status_code == 200
    assert client.get(f"/children/{other.children.get().pk}/").status_code == 404


def test_an_uninvited_partner_sees_nothing(client, people, discussion):
    client.force_login(people["ursula"])
    assert client.get(f"/discussions/{discussion.pk}/").status_code == 404
    assert "You have no invitations" in client.get("/invitations/").content.decode()


def test_apologies_are_recorded_through_the_reply_page(client, people, discussion):
    invitation = discussion.invitations.get(professional=people["carol"])
    client.force_login(people["carol"])
    assert client.get(f"/invitations/{invitation.pk}/reply/").status_code == 200
    response = client.post(
        f"/invitations/{invitation.pk}/reply/",
        {"response": "apologies", "note": "On leave; DC Green attends"},
    )
    assert response.url == "/invitations/"
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.APOLOGIES
    html = client.get(f"/discussions/{discussion.pk}/").content.decode()
    assert "On leave; DC Green attends" in html
    # Issue 18: the police officer who sent apologies is "Apologies", not "Not invited".
    client.force_login(people["bob"])
    html = client.get(f"/discussions/{discussion.pk}/").content.decode()
    assert "Apologies: Carol Clarke" in html
    assert "Not invited" not in html


def test_nobody_else_can_reply_for_an_invitee(client, people, discussion):
    invitation = discussion.invitations.get(professional=people["carol"])
    client.force_login(people["dev"])
    assert client.get(f"/invitations/{invitation.pk}/reply/").status_code == 403


def test_rescheduling_through_the_page(client, people, discussion):
    client.force_login(people["bob"])
    assert client.get(f"/discussions/{discussion.pk}/reschedule/").status_code == 200
    day = timezone.localdate() + timedelta(days=2)
    response = client.post(
        f"/discussions/{discussion.pk}/reschedule/",
        {
            "date-day": day.day,
            "date-month": day.month,
            "date-year": day.year,
            "start_time": "2pm",
            "end_time": "15:30",
            "venue": "Riverside House",
            "version": discussion.version,
        },
    )
    assert response.url == f"/discussions/{discussion.pk}/"
    discussion.refresh_from_db()
    assert discussion.sequence == 1
    assert timezone.localtime(discussion.starts_at).hour == 14


def test_a_stale_reschedule_form_is_refused(client, people, discussion):
    client.force_login(people["bob"])
    day = timezone.localdate() + timedelta(days=2)
    response = client.post(
        f"/discussions/{discussion.pk}/reschedule/",
        {
            "date-day": day.day,
            "date-month": day.month,
            "date-year": day.year,
            "start_time": "14:00",
            "end_time": "15:00",
            "venue": "Elsewhere",
            "version": discussion.version - 1 if discussion.version > 1 else 0,
        },
    )
    assert "was changed by" in response.content.decode()
    discussion.refresh_from_db()
    assert discussion.sequence == 0


def test_cancelling_through_the_page_needs_a_reason(client, people, discussion):
    client.force_login(people["bob"])
    response = client.post(f"/discussions/{discussion.pk}/cancel/", {"version": discussion.version})
    assert "Enter the reason for cancelling" in response.content.decode()
    response = client.post(
        f"/discussions/{discussion.pk}/cancel/",
        {"reason": "Police cannot attend; rearranging", "version": discussion.version},
    )
    assert response.status_code == 302
    discussion.refresh_from_db()
    assert discussion.state == Discussion.State.CANCELLED
    html = client.get(f"/discussions/{discussion.pk}/").content.decode()
    assert "Police cannot attend; rearranging" in html


def test_inviting_more_people_through_the_page(client, people, discussion):
    client.force_login(people["bob"])
    html = client.get(f"/discussions/{discussion.pk}/invite/").content.decode()
    assert "Priya Patel" in html
    assert "Carol Clarke" not in html  # already invited
    response = client.post(
        f"/discussions/{discussion.pk}/invite/",
        {"invitees": [people["priya"].pk], "version": discussion.version},
    )
    assert response.status_code == 302
    assert discussion.invitations.filter(professional=people["priya"]).exists()


def test_the_calendar_download(client, people, discussion):
    client.force_login(people["carol"])
    response = client.get(f"/discussions/{discussion.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["uid"]) == f"{discussion.uid}@convene"


def test_auditors_read_but_never_change(client, people, discussion):
    client.force_login(people["ivy"])
    assert client.get(f"/discussions/{discussion.pk}/").status_code == 200
    for path in ("reschedule", "invite", "cancel"):
        assert client.get(f"/discussions/{discussion.pk}/{path}/").status_code == 403
        assert client.post(f"/discussions/{discussion.pk}/{path}/", {}).status_code == 403


# --- My work -------------------------------------------------------------------------------


def test_my_work_lists_each_queue_most_urgent_first(client, people, referral_for, accepted_for):
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    waiting = referral_for(now=now, received_at=hour_ago)
    urgent = referral_for(now=now, received_at=hour_ago, immediate_risk=True)
    same_day = accepted_for(now=now, received_at=hour_ago, immediate_risk=True)
    later = accepted_for(now=now, received_at=hour_ago)
    meeting = scheduled_discussion(
        referral=accepted_for(now=now, received_at=hour_ago), people=people, now=now
    )
    client.force_login(people["alice"])
    html = client.get("/my-work/").content.decode()
    assert html.index(urgent.reference) < html.index(waiting.reference)
    assert html.index(same_day.reference) < html.index(later.reference)
    assert "Due today" in html or "Overdue" in html
    assert meeting.reference in html
    assert "Concerns awaiting triage (2)" in html
    assert "Discussions to convene (2)" in html
    assert "Upcoming discussions (1)" in html


def test_R002_2_my_work_shows_every_untriaged_concern_on_its_clock(client, people, referral_for):
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    waiting = referral_for(now=now, received_at=hour_ago)
    urgent = referral_for(now=now, received_at=hour_ago, immediate_risk=True)
    client.force_login(people["bob"])  # a team manager of the partnership
    html = client.get("/my-work/").content.decode()
    row = html[html.index(urgent.reference) :]
    assert "Convene by" in row[: row.index("</tr>")]
    row = html[html.index(waiting.reference) :]
    assert "Triage by" in row[: row.index("</tr>")]
    assert "No clock running" not in html


def test_my_work_is_for_social_care(client, people):
    client.force_login(people["carol"])
    assert client.get("/my-work/").status_code == 403


def test_my_work_queries_do_not_grow_with_the_caseload(
    client, people, referral_for, accepted_for, django_assert_max_num_queries
):
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)

    def add(count):
        for _ in range(count):
            referral_for(now=now, received_at=hour_ago)
            scheduled_discussion(
                referral=accepted_for(now=now, received_at=hour_ago), people=people, now=now
            )
            accepted_for(now=now, received_at=hour_ago)

    add(1)
    client.force_login(people["bob"])
    client.get("/my-work/")  # warm the content-type and session caches
    from django.db import connection

    from tests.queries import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/my-work/")
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/my-work/").content.decode()
    assert "Concerns awaiting triage (9)" in html


def test_scheduling_a_requested_discussion_through_the_page(client, people, triaged):
    from convene.discussions.services import discussion_create

    requested = discussion_create(
        referral=triaged,
        children=list(triaged.children.all()),
        kind="strategy_discussion",
        chair=None,
        invitees=[people["erin"]],
        by=people["bob"],
        now=timezone.now(),
    )
    client.force_login(people["bob"])
    html = client.get(f"/discussions/{requested.pk}/reschedule/").content.decode()
    assert "Schedule D" in html
    day = timezone.localdate() + timedelta(days=1)
    data = {
        "date-day": day.day,
        "date-month": day.month,
        "date-year": day.year,
        "start_time": "09:00",
        "end_time": "10:00",
        "virtual_link": "https://meet.example.org/x",
        "chair": people["dina"].pk,
        "version": requested.version,
    }
    html = client.post(f"/discussions/{requested.pk}/reschedule/", data).content.decode()
    assert "Required people are not invited: Police; Health" in html
    assert "Go ahead without the required people" in html
    response = client.post(
        f"/discussions/{requested.pk}/reschedule/", {**data, "allow_missing_required": "on"}
    )
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.state == Discussion.State.SCHEDULED
    assert requested.chair == people["dina"]
