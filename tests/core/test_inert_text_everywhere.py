"""Hostile free text stays text everywhere it is shown or sent.

A referral's account, the record's sections, an action and its update note, a venue and a
correction note each carry markup and a script. Pages escape it; the PDF writes it as
typed (its text, extracted, shows it literally); emails are plain text only, with
subjects that carry no names or free text by design; the calendar invitation keeps it
inside its one property.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from convene.core.errors import Invalid
from convene.discussions.models import Discussion
from convene.discussions.notices import calendar_event
from convene.followup.actions.services import action_update
from convene.notify.ics import Method, Person, calendar_invitation
from convene.policy.vocab import Decision, RecordSection
from convene.records import services
from convene.records.models import Action
from convene.referrals.models import Referral
from tests.convening import accepted_referral, scheduled_discussion
from tests.records.conftest import AFTER, entry_content, fill, make_record, save  # noqa: F401

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt;"
RAW = ("<script>alert(1)", "<img src=x")


def _inert(html: str, *, shown: bool = True) -> None:
    for fragment in RAW:
        assert fragment not in html
    if shown:
        assert ESCAPED in html


@pytest.fixture
def hostile_record(make_record, people):  # noqa: F811 - fixture
    """A held record whose referral, sections and action carry the hostile text, authorised."""
    record = make_record()
    Referral.objects.filter(pk=record.discussion.referral_id).update(
        account=HOSTILE, triage_conversation=HOSTILE
    )
    fill(record, people, Decision.S47_JOINT)
    save(
        record,
        RecordSection.INTRODUCTION,
        {"reason": HOSTILE, "child_background": HOSTILE},
        by=people["bob"],
    )
    actions = entry_content(record, RecordSection.ACTIONS)
    actions["actions"][0]["what"] = HOSTILE
    save(record, RecordSection.ACTIONS, actions, by=people["bob"])
    return record


def test_the_referral_page_shows_the_account_as_text(client, people, hostile_record):
    client.force_login(people["bob"])
    _inert(client.get(f"/referrals/{hostile_record.discussion.referral_id}/").content.decode())


def test_the_record_pages_show_sections_and_actions_as_text(client, people, hostile_record):
    client.force_login(people["bob"])
    base = f"/discussions/{hostile_record.discussion_id}/record"
    _inert(client.get(f"{base}/sections/introduction/").content.decode())
    _inert(client.get(f"{base}/sections/actions/").content.decode())
    _inert(client.get(f"{base}/check/").content.decode())
    services.record_authorise(record=hostile_record, by=people["bob"], now=AFTER)
    _inert(client.get(f"{base}/versions/1/").content.decode())
    _inert(client.get(f"{base}/family-summary/").content.decode(), shown=False)


def test_the_pdf_writes_the_text_as_typed(client, people, hostile_record):
    version = services.record_authorise(record=hostile_record, by=people["bob"], now=AFTER)
    reader = PdfReader(io.BytesIO(version.pdf_bytes))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert HOSTILE in text  # literally: not run, not dropped, not turned into markup


def test_an_update_note_and_the_action_show_as_text(client, people, hostile_record):
    services.record_authorise(record=hostile_record, by=people["bob"], now=AFTER)
    action = Action.objects.get(record=hostile_record, owner_professional=people["alice"])
    action_update(action=action, status="in_progress", note=HOSTILE, by=people["alice"], now=AFTER)
    client.force_login(people["alice"])
    html = client.get(f"/actions/{action.pk}/").content.decode()
    _inert(html)
    assert html.count(ESCAPED) >= 2  # the action and the note


def test_emails_are_plain_text_and_their_subjects_carry_no_free_text(
    people, hostile_record, mailoutbox, django_capture_on_commit_callbacks
):
    record = hostile_record
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    services.record_distribute(record=record, by=people["bob"], now=AFTER)
    services.record_correction_start(record=record, note=HOSTILE, by=people["bob"], now=AFTER)
    services.record_authorise(record=record, by=people["bob"], now=AFTER + timedelta(minutes=5))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_distribute(record=record, by=people["bob"], now=AFTER)
    assert mailoutbox
    child = record.discussion.children.get()
    for message in mailoutbox:
        # Plain text only: no HTML part for a mail program to render.
        assert getattr(message, "alternatives", []) == []
        assert message.content_subtype == "plain"
        for fragment in (HOSTILE, child.first_name, child.last_name):
            assert fragment not in message.subject
    # The correction note reaches the attendees as typed: text, in a text email.
    assert any(HOSTILE in message.body for message in mailoutbox)


def test_the_calendar_invitation_keeps_a_hostile_venue_inside_its_location(people, hostile_record):
    discussion = hostile_record.discussion
    venue = f"Room 1 {HOSTILE}\r\nATTENDEE:mailto:evil@example.org"
    Discussion.objects.filter(pk=discussion.pk).update(
        venue=venue, virtual_link="javascript:alert(3)"
    )
    discussion.refresh_from_db()
    ics = calendar_invitation(
        calendar_event(discussion),
        method=Method.REQUEST,
        attendee=Person(name="Carol Clarke", email="carol@example.org"),
        stamp=AFTER,
    )
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    # One property, the text as typed (the line break kept as a line break).
    assert str(event["location"]) == venue.replace("\r\n", "\n")
    assert "evil@example.org" not in str(event["attendee"])
    assert "url" not in event  # a javascript: link is never offered


def test_a_link_that_is_not_a_web_address_is_refused_and_never_offered(
    client, people, partnership, agencies, hostile_record
):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    with pytest.raises(Invalid, match="web address"):
        scheduled_discussion(referral=referral, people=people, virtual_link="javascript:alert(3)")
    discussion = hostile_record.discussion
    # Stored before links were checked: shown as text, not as a link.
    Discussion.objects.filter(pk=discussion.pk).update(virtual_link="javascript:alert(3)")
    client.force_login(people["bob"])
    html = client.get(f"/discussions/{discussion.pk}/").content.decode()
    assert 'href="javascript:' not in html
    assert "javascript:alert(3)" in html
