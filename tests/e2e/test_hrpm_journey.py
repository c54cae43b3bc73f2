"""A child in care: the S47 outcome leads to a High Risk Planning Meeting (issue 18).

Kit Marlow is in care. The strategy discussion about her decided a joint section 47
enquiry; its record was authorised and sent (set up through the services: the persona
journey types that part). From there, in the browser, from "My work" alone:

Alice (social worker) visits, finds a continuing risk of significant harm and, Kit being in
care, records the care plan review from her My work row; Bob (team manager, of Alice's team)
decides from his My work row that an HRPM is needed (which starts it), follows the S47
outcome's link to the HRPM and records its first meeting; then finds the enquiry by its
reference (the search's only browser test), which now offers no second HRPM. Every page is
scanned with axe at 1280 px and 320 px.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from convene.allocation.demo import demo_teams
from convene.followup.models import Hrpm, S47Enquiry
from convene.people.factories import ChildFactory
from convene.people.vocab import LegalStatus
from convene.policy.vocab import Decision
from convene.records import services
from tests.convening import accepted_referral, scheduled_discussion
from tests.e2e.steps import (
    TUESDAY_MORNING,
    click,
    fill_date,
    my_work,
    see,
    start,
    visit_and_outcome,
    work,
)
from tests.records.conftest import fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_s47_outcome_of_a_child_in_care_leads_to_an_hrpm(
    live_server, page, people, partnership, agencies, tmp_path
):
    demo_teams(partnership=partnership)
    page.set_default_timeout(10_000)
    try:
        with time_machine.travel(TUESDAY_MORNING, tick=True):
            enquiry = _kits_s47_enquiry(people, partnership, agencies)
            visit_and_outcome(page, live_server.url, enquiry, "continuing risk of significant harm")
            _alice_reviews_the_care_plan(page, enquiry)
            hrpm = _bob_decides_an_hrpm_is_needed(page, live_server.url, enquiry)
            _bob_records_the_first_meeting(page, hrpm)
            _bob_finds_the_enquiry_by_its_reference(page, enquiry)
    except Exception:
        # What the page showed when the journey broke, for whoever reads the failure.
        (tmp_path / "failed.html").write_text(page.content())
        raise
    hrpm.refresh_from_db()
    assert hrpm.state == "active"
    assert hrpm.referral_id == enquiry.discussion.referral_id
    meeting = hrpm.meetings.get()
    assert {p.username for p in meeting.attendees.all()} == {"alice", "carol"}
    assert meeting.safety_plan == "Kit keeps her phone on; her carer collects her from school."


def _kits_s47_enquiry(people, partnership, agencies) -> S47Enquiry:
    """Recorded by Alice (so allocated to her at triage), held two hours ago, the record
    authorised and sent by Bob: the authorisation starts the S47 enquiry."""
    now = timezone.now()
    held_at = now - timedelta(hours=2)
    kit = ChildFactory(
        partnership=partnership,
        first_name="Kit",
        last_name="Marlow",
        setting=agencies["primary"],
        legal_status=LegalStatus.CHILD_IN_CARE,
    )
    referral = accepted_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        children=[kit],
        by="alice",
        now=held_at - timedelta(hours=3),
        received_at=held_at - timedelta(hours=4),
    )
    discussion = scheduled_discussion(
        referral=referral,
        people=people,
        invitees=("alice", "carol", "dev", "erin"),
        now=held_at - timedelta(hours=3),
        allow_missing_required=True,
    )
    record = services.discussion_hold(
        discussion=discussion, held_at=held_at, by=people["bob"], now=held_at
    )
    fill(record, people, Decision.S47_JOINT)
    services.record_authorise(record=record, by=people["bob"], now=now)
    services.record_distribute(record=record, by=people["bob"], now=now)
    return S47Enquiry.objects.select_related("child").get(discussion=discussion)


def _alice_reviews_the_care_plan(page: Page, enquiry: S47Enquiry) -> None:
    """Alice, after the outcome: Kit is in care, so My work asks for the care plan review;
    once recorded, the row has gone."""
    review = f"Record the care plan review for S47 enquiry {enquiry.reference}"
    my_work(page)
    work(page, review)
    see(page, "Record the care plan review")
    fill_date(page, "reviewed_on", timezone.localdate())
    page.get_by_label("How the care plan was updated").fill("Her placement is kept; more visits.")
    page.get_by_label("Stand-alone risk assessment").fill("Exploitation by older men in town.")
    page.get_by_label("The young person's own view of the risk").fill("Kit says she is safe.")
    click(page, "Save the review", role="button")
    see(page, "S47 enquiry: Kit Marlow")
    my_work(page)
    expect(page.locator("main")).not_to_contain_text(review)


def _bob_decides_an_hrpm_is_needed(page: Page, url: str, enquiry: S47Enquiry) -> Hrpm:
    """Bob, team manager: from his My work row, decides on the HRPM, and follows the
    outcome's link to it."""
    decide = f"Decide whether an HRPM is needed after S47 enquiry {enquiry.reference}"
    start(page, url, "bob")
    work(page, decide)
    see(page, "Is a High Risk Planning Meeting needed?")
    page.get_by_role("group", name="Is a High Risk Planning Meeting needed?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Reasons for the decision").fill("The risk of exploitation goes on.")
    fill_date(page, "first_meeting_on", timezone.localdate() + timedelta(days=7))
    click(page, "Save the decision", role="button")
    see(page, "S47 enquiry: Kit Marlow")
    click(page, "open the HRPM")
    hrpm = Hrpm.objects.get(child=enquiry.child)
    see(page, "High Risk Planning Meeting: Kit Marlow")
    expect(page.locator("main")).to_contain_text(hrpm.reference)
    return hrpm


def _bob_records_the_first_meeting(page: Page, hrpm: Hrpm) -> None:
    click(page, "Record a meeting")
    see(page, "Record a meeting")
    now = timezone.localtime()
    fill_date(page, "held_on", now.date())
    page.get_by_label("Time", exact=True).fill(now.strftime("%H:%M"))
    for who in ("Alice Ashworth", "Carol Clarke"):
        page.get_by_label(who, exact=False).first.check()
    page.get_by_role("group", name="Did the young person attend?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("The young person's view of the risk").fill("Kit wants her phone back.")
    page.get_by_label("Safety plan").fill(
        "Kit keeps her phone on; her carer collects her from school."
    )
    fill_date(page, "next_meeting_on", timezone.localdate() + timedelta(days=28))
    click(page, "Save the meeting", role="button")
    see(page, "High Risk Planning Meeting: Kit Marlow")
    expect(page.locator("main")).to_contain_text("Meeting 1")


def _bob_finds_the_enquiry_by_its_reference(page: Page, enquiry: S47Enquiry) -> None:
    """The service's search goes straight to a S47 enquiry by its reference; the decision is
    made (its My work row has gone) and Kit's active HRPM means no second one is offered."""
    my_work(page)
    expect(page.locator("main")).not_to_contain_text(enquiry.reference)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children").click()
    see(page, "Children")
    page.get_by_label(re.compile("^Search by name")).fill(enquiry.reference)
    click(page, "Search", role="button")
    see(page, "S47 enquiry: Kit Marlow")
    expect(page.locator("main").get_by_role("link", name="open the HRPM")).to_be_visible()
    expect(
        page.locator("main").get_by_role("link", name=re.compile("^Start a High Risk Planning"))
    ).to_have_count(0)
