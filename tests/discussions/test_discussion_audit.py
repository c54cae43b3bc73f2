"""Every change to a discussion, and every look at one, is in the audit log (issue 7).

One entry per child discussed, naming who, what, which discussion and from
where; a refused change writes none; the entry rolls back with its change.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from convene.audit.context import AuditContext
from convene.audit.models import Action, AuditEntry
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.discussions import services
from convene.discussions.models import Discussion
from convene.discussions.services import (
    discussion_cancel,
    discussion_create,
    discussion_invite,
    discussion_reschedule,
    discussion_schedule,
    invitation_respond,
)
from convene.people.factories import ChildFactory
from convene.people.models import ChildLink
from tests.api.conftest import bearer
from tests.convening import NOW, scheduled_discussion

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.9"
START = NOW + timedelta(hours=3)
END = START + timedelta(hours=1)


@pytest.fixture
def context_from(rf):
    return AuditContext.from_request(rf.post("/", REMOTE_ADDR=ADDRESS))


@pytest.fixture
def referral(accepted_for, partnership, agencies):
    """An accepted referral about one child, whose sibling is discussed too."""
    child = ChildFactory(partnership=partnership, setting=agencies["primary"])
    sibling = ChildFactory(partnership=partnership)
    ChildLink.objects.create(from_child=child, to_child=sibling, kind="sibling")
    return accepted_for(children=[child])


def entries_about(obj, action=None):
    found = AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("sequence")
    return found.filter(action=action) if action else found


def _both_children(referral):
    child = referral.children.get()
    return [child, ChildLink.objects.get(from_child=child).to_child]


def test_each_change_writes_one_entry_per_child_discussed(people, referral, context_from):
    children = _both_children(referral)
    discussion = discussion_create(
        referral=referral,
        children=children,
        kind="strategy_discussion",
        chair=None,
        by=people["bob"],
        now=NOW,
        context=context_from,
    )
    discussion = discussion_schedule(
        discussion=discussion,
        starts_at=START,
        ends_at=END,
        venue="Riverside House",
        chair=people["bob"],
        allow_missing_required=True,
        by=people["bob"],
        now=NOW,
        expected_version=discussion.version,
        context=context_from,
    )
    discussion = discussion_reschedule(
        discussion=discussion,
        starts_at=START + timedelta(hours=1),
        ends_at=END + timedelta(hours=1),
        venue="Riverside House",
        by=people["bob"],
        now=NOW,
        expected_version=discussion.version,
        context=context_from,
    )
    discussion_invite(
        discussion=discussion,
        invitees=[people["carol"]],
        by=people["dina"],
        now=NOW,
        expected_version=discussion.version,
        context=context_from,
    )
    invitation = discussion.invitations.get(professional=people["carol"])
    invitation_respond(
        invitation=invitation,
        response="apologies",
        note="On leave",
        by=people["carol"],
        now=NOW,
        context=context_from,
    )
    discussion.refresh_from_db()
    discussion_cancel(
        discussion=discussion,
        reason="Family moved away",
        by=people["bob"],
        now=NOW,
        expected_version=discussion.version,
        context=context_from,
    )
    entries = list(entries_about(discussion))
    assert {e.child_id for e in entries} == {c.pk for c in children}
    assert all(e.remote_addr == ADDRESS for e in entries)
    first_child = [
        (e.action, e.actor.username, e.summary.split(" (")[0])
        for e in entries
        if e.child_id == children[0].pk
    ]
    assert first_child == [
        (Action.CREATE, "bob", "Requested, without a time yet"),
        (Action.CHANGE, "bob", "Scheduled for Wednesday 4 March 2026, 13:00 to 14:00"),
        (
            Action.CHANGE,
            "bob",
            "Rescheduled from Wednesday 4 March 2026, 13:00 to 14:00 to "
            "Wednesday 4 March 2026, 14:00 to 15:00",
        ),
        (Action.CHANGE, "dina", "Invited Carol Clarke"),
        (Action.CHANGE, "bob", "Cancelled"),
    ]
    answer = entries_about(invitation).filter(child=children[0]).get()
    assert answer.actor == people["carol"]
    assert answer.summary.startswith("Sent apologies for the invitation")
    assert "On leave" not in answer.summary  # what people type stays out of the log
    # The referral's status changes are recorded against the referral.
    referral_changes = entries_about(referral, Action.CHANGE)
    assert [e.summary.split(" (")[0] for e in referral_changes] == [
        "Accepted the recommended pathway: Strategy discussion",
        f"Allocated {referral.reference} to Bob Bennett",  # who holds the case (issue 18)
        "Status now ‘Discussion arranged’",
        "Status now ‘To convene’",
    ]


def test_a_manager_recording_an_answer_is_named_as_doing_it_for_the_invitee(people, referral):
    discussion = scheduled_discussion(referral=referral, people=people)
    invitation = discussion.invitations.get(professional=people["dev"])
    invitation_respond(invitation=invitation, response="accepted", by=people["bob"], now=NOW)
    entry = entries_about(invitation).get()
    assert entry.actor == people["bob"]
    assert entry.summary.startswith("Accepted the invitation on behalf of Dev Dhillon")


def test_refused_changes_write_no_entry(people, referral):
    discussion = scheduled_discussion(referral=referral, people=people)
    before = AuditEntry.objects.count()
    with pytest.raises(NotAllowed):
        discussion_cancel(
            discussion=discussion,
            reason="x",
            by=people["carol"],
            now=NOW,
            expected_version=discussion.version,
        )
    with pytest.raises(Invalid):
        discussion_reschedule(
            discussion=discussion,
            starts_at=NOW - timedelta(hours=1),
            ends_at=NOW,
            venue="Riverside House",
            by=people["bob"],
            now=NOW,
            expected_version=discussion.version,
        )
    with pytest.raises(Conflict):
        discussion_schedule(
            discussion=discussion,
            starts_at=START,
            ends_at=END,
            venue="Riverside House",
            by=people["bob"],
            now=NOW,
            expected_version=discussion.version,
        )
    assert AuditEntry.objects.count() == before


def test_an_entry_is_rolled_back_with_the_change_when_a_later_step_fails(
    people, referral, monkeypatch
):
    discussion = scheduled_discussion(referral=referral, people=people)
    before = AuditEntry.objects.count()

    def fail(**kwargs):
        assert AuditEntry.objects.count() > before  # the entry was written
        raise RuntimeError("queueing the cancellation failed")

    monkeypatch.setattr(services, "queue_notices", fail)
    with pytest.raises(RuntimeError):
        discussion_cancel(
            discussion=discussion,
            reason="Family moved away",
            by=people["bob"],
            now=NOW,
            expected_version=discussion.version,
        )
    assert AuditEntry.objects.count() == before
    assert Discussion.objects.get(pk=discussion.pk).state == Discussion.State.SCHEDULED


# --- looking -------------------------------------------------------------------------------


@pytest.fixture
def discussion(people, accepted_for):
    now = timezone.now()
    referral = accepted_for(now=now, received_at=now - timedelta(hours=1))
    return scheduled_discussion(referral=referral, people=people, now=now)


def test_the_page_and_the_calendar_download_are_recorded(client, people, discussion):
    child = discussion.children.get()
    client.force_login(people["carol"])
    assert client.get(f"/discussions/{discussion.pk}/", REMOTE_ADDR=ADDRESS).status_code == 200
    client.get(f"/discussions/{discussion.pk}/calendar.ics", REMOTE_ADDR=ADDRESS)
    view = entries_about(discussion, Action.VIEW).get()
    download = entries_about(discussion, Action.DOWNLOAD).get()
    for entry in (view, download):
        assert (entry.actor, entry.child_id, entry.remote_addr) == (
            people["carol"],
            child.pk,
            ADDRESS,
        )
    assert download.summary.startswith("Downloaded the calendar entry")


def test_my_work_is_one_entry_for_the_list(client, people, discussion):
    client.force_login(people["bob"])
    assert client.get("/my-work/", REMOTE_ADDR=ADDRESS).status_code == 200
    entry = AuditEntry.objects.get(action=Action.SEARCH)
    assert (entry.actor, entry.child_id, entry.remote_addr) == (people["bob"], None, ADDRESS)
    assert entry.summary == "Opened My work"


def test_a_partner_not_invited_leaves_no_look(client, people, discussion):
    client.force_login(people["priya"])
    assert client.get(f"/discussions/{discussion.pk}/").status_code == 404
    assert not entries_about(discussion, Action.VIEW).exists()


def test_the_child_page_shows_the_police_officer_who_looked_at_the_discussion(
    client, people, discussion
):
    client.force_login(people["carol"])
    client.get(f"/discussions/{discussion.pk}/")
    client.force_login(people["alice"])
    html = client.get(f"/children/{discussion.children.get().pk}/looked/").content.decode()
    table = html[html.index("Who has looked at") :]
    assert "Carol Clarke" in table
    assert "Shire Constabulary" in table


def test_api_reads_list_and_writes_are_recorded_with_the_token(client, people, tokens, discussion):
    client.get(
        f"/api/discussions/{discussion.pk}", headers=bearer(tokens["erin"]), REMOTE_ADDR=ADDRESS
    )
    client.get("/api/discussions/", headers=bearer(tokens["erin"]))
    view = entries_about(discussion, Action.VIEW).get()
    assert view.actor == people["erin"]
    assert view.remote_addr == ADDRESS
    assert view.summary.endswith("through the API (token ‘erin's case system’)")
    listed = AuditEntry.objects.get(action=Action.SEARCH)
    assert listed.summary.startswith("Listed discussions (any state): 1 shown")
    invitation = discussion.invitations.get(professional=people["erin"])
    answered = client.post(
        f"/api/discussions/{discussion.pk}/invitations/{invitation.pk}/reply",
        {"response": "accepted"},
        content_type="application/json",
        headers=bearer(tokens["erin"]),
        REMOTE_ADDR=ADDRESS,
    )
    assert answered.status_code == 200
    entry = entries_about(invitation).get()
    assert entry.actor == people["erin"]
    assert entry.remote_addr == ADDRESS
    assert "through the API" in entry.summary
