"""One whole case, driven in the browser by each persona in turn, from "My work" alone (issue 18).

concern → triage → convene → agency check → hold → record → authorise → distribute →
confirm → the police's action → S47 (started by the authorisation) visit and outcome → ICPC.

Alice (social worker) records the concern and does the S47 visit and outcome; Bob (team
manager) triages, convenes, chairs, types every section of the record the decision needs
(tests/e2e/record_sections.py), authorises and sends; Erin (school DSL) replies
to her invitation and sends her school's check, then confirms the record; Carol (police)
confirms the record and updates her agency's action; Hana (head of service) confirms and dates
the conference. Each persona's part is a function of its own; each signs in, opens "My work"
and moves only by clicking links and buttons. The HRPM that may follow an S47 enquiry, for a
child in care, is tests/e2e/test_hrpm_journey.py.
Every page visited is scanned with axe at 1280 px and at 320 px, where it must not scroll
sideways (WCAG 1.4.10).

The journey runs on a Tuesday morning (the clock is moved there and left to tick), so the
discussion convened "for later today" is always today, whatever the time the suite runs.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page

from convene.allocation.demo import demo_teams
from convene.discussions.models import Discussion
from convene.followup.models import S47Enquiry
from convene.people.factories import ChildFactory
from convene.records.models import Action, Confirmation
from convene.referrals.models import Referral
from tests.e2e.conftest import containing
from tests.e2e.record_sections import type_the_record
from tests.e2e.steps import (
    TUESDAY_MORNING,
    axe_clean,
    click,
    fill_date,
    my_work,
    see,
    start,
    visit_and_outcome,
    work,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _record_concern(page: Page) -> None:
    """Alice's concern, one question page at a time: (heading, answers) for each."""
    received = timezone.localtime() - timedelta(minutes=30)
    steps = [
        ("When and how was the concern received?", [("date", "received_date", received)]),
        ("Who made the referral?", []),
        ("Which children is the concern about?", []),
        (
            "What happened, in the referrer's words?",
            [("fill", "What happened, in the referrer's words?", "A bruise on her cheek.")],
        ),
        (
            "Your conversation with the referrer",
            [("fill", "Your conversation with the referrer", "Called the school at 09:10.")],
        ),
        ("What kind of concern is it?", [("check", "Physical abuse", None)]),
        (
            "Significant harm and immediate risk",
            [
                ("css", "#id_significant_harm_suspected", None),
                ("css", "#id_immediate_risk", None),
                ("css", "#id_forensic_evidence_needed-2", None),
            ],
        ),
        (
            "Health and medical needs",
            [("css", "#id_in_hospital-2", None), ("css", "#id_medical_needed", None)],
        ),
        ("What is the exploitation screening rating?", [("check", "Not screened", None)]),
    ]
    for heading, answers in steps:
        see(page, heading)
        if heading == "When and how was the concern received?":
            page.get_by_label("Time received").fill(received.strftime("%H:%M"))
            page.get_by_label("Phone call").check()
        elif heading == "Who made the referral?":
            page.get_by_label("Agency", exact=True).select_option(label="Riverside Primary School")
            page.get_by_label("Full name").fill("Erin Evans")
            page.get_by_label("Role or relationship to the child").fill("DSL")
            page.get_by_label("Email address", exact=True).fill("erin@example.org")
        elif heading == "Which children is the concern about?":
            page.get_by_label("Find a child on record").fill("Okafor")
            click(page, "Search", role="button")
            axe_clean(page)
            click(page, "Add Ada Okafor", role="button")
        for kind, target, value in answers:
            if kind == "date":
                fill_date(page, target, value)
            elif kind == "fill":
                page.get_by_label(target).fill(value)
            elif kind == "check":
                page.get_by_label(target).check()
            else:
                page.locator(target).check()
        click(page, "Continue", role="button")
    see(page, "Planning the discussion")
    page.locator("#id_agencies_key_to_planning").fill("3")
    for name in ("complex_concerns", "ongoing_risk", "review_requested", "new_information"):
        page.locator(f"#id_{name}-2").check()
    click(page, "Continue", role="button")
    see(page, "Check your answers before recording the referral")
    click(page, "Record referral", role="button")


def _convene(page: Page) -> None:
    starts = timezone.localtime() + timedelta(hours=2)
    fill_date(page, "date", starts.date())
    page.get_by_label("Start time").fill(starts.strftime("%H:%M"))
    page.get_by_label("End time").fill((starts + timedelta(hours=1)).strftime("%H:%M"))
    page.get_by_label("Venue").fill("Riverside House, room 4")
    page.get_by_label("Chair").fill("bennett")
    page.get_by_role("option", name=containing("Bob Bennett, Team manager")).click()
    for label in (
        "Alice Ashworth, Social worker",
        "Carol Clarke, Detective constable",
        "Dev Dhillon, Named nurse",
        "Erin Evans, Designated safeguarding lead",
    ):
        box = page.get_by_label(label)
        if not box.is_checked():
            box.check()
    axe_clean(page)
    click(page, "Send invitations", role="button")


def _record(page: Page) -> None:
    """Bob types the record: attendance and the decision, then every other section the
    decision needs (``type_the_record``), then the police's action."""
    click(page, "Attendance")
    see(page, "Attendance")
    for radio in page.get_by_role("radio", name="Attended").all():
        radio.check()
    page.get_by_label(re.compile("Everyone who attended brought")).check()
    page.get_by_label("A meeting in person").check()
    click(page, "Save and return to the record", role="button")

    click(page, "Decision")
    see(page, "Decision")
    page.get_by_label("Section 47 enquiry jointly with the police").check()
    page.get_by_label("Reasons for the decision").fill("A bruise on her cheek; Ada's account")
    click(page, "Save and return to the record", role="button")

    type_the_record(page)

    click(page, "Actions")
    see(page, "Actions")
    click(page, "Add an action")
    see(page, "action")
    page.get_by_label("Who will do it?").fill("constab")
    page.get_by_role("option", name=containing("Shire Constabulary")).first.click()
    page.get_by_label("What will they do?").fill("Check police records for the household")
    fill_date(page, "due_on", timezone.localdate() + timedelta(days=1))
    page.get_by_label("Why: what is it for?").fill("Section 47 enquiry")
    click(page, "Save the action", role="button")

    click(page, "Return to the record")
    see(page, "Record of the strategy discussion")


def test_one_case_from_my_work_alone(live_server, page, people, partnership, agencies, tmp_path):
    """Issue 18's "Done when": each persona runs their part of a whole case from My work,
    at 1280 px and 320 px, with axe finding nothing."""
    demo_teams(partnership=partnership)
    ChildFactory(
        partnership=partnership, first_name="Ada", last_name="Okafor", setting=agencies["primary"]
    )
    url = live_server.url
    page.set_default_timeout(10_000)
    try:
        with time_machine.travel(TUESDAY_MORNING, tick=True):
            _journey(page, url, people)
    except Exception:
        # What the page showed when the journey broke, for whoever reads the failure.
        (tmp_path / "failed.html").write_text(page.content())
        raise


def _journey(page: Page, url: str, people) -> None:
    """The case passes from one persona to the next, as a real case does."""
    referral = _alice_records_the_concern(page, url)
    discussion = _bob_triages_and_convenes(page, url, referral)
    _erin_replies_and_sends_her_check(page, url, discussion)
    _bob_holds_records_authorises_and_sends(page, url, discussion)
    _carol_confirms_and_updates_her_action(page, url, discussion)
    _erin_confirms_the_record(page, url, discussion)
    enquiry = S47Enquiry.objects.get()
    visit_and_outcome(page, url, enquiry, "continuing risk of significant harm")
    _hana_confirms_and_dates_the_conference(page, url, enquiry, people)
    # What the clicks did, end to end.
    assert (
        Confirmation.objects.filter(professional__in=[people["carol"], people["erin"]]).count() == 2
    )
    assert Action.objects.get(record=discussion.record, kind="agreed").status == "done"
    enquiry.refresh_from_db()
    assert enquiry.visited_at is not None
    assert enquiry.outcome_at is not None


def _alice_records_the_concern(page: Page, url: str) -> Referral:
    """Alice, social worker."""
    start(page, url, "alice")
    click(page, "Record a concern")
    see(page, "Record a concern")
    click(page, "Start now", role="button")
    _record_concern(page)
    referral = Referral.objects.get()
    see(page, f"Referral {referral.reference}")
    return referral


def _bob_triages_and_convenes(page: Page, url: str, referral: Referral) -> Discussion:
    """Bob, team manager."""
    start(page, url, "bob")
    work(page, f"Triage referral {referral.reference}")
    see(page, f"Triage referral {referral.reference}")
    page.get_by_label("Strategy discussion", exact=True).check()
    click(page, "Confirm decision", role="button")
    see(page, f"Referral {referral.reference}")
    # Triage allocated the case to Alice, who recorded it: it is the team's work now.
    my_work(page)
    click(page, "Show my team’s work")
    see(page, "My team’s work")
    work(page, f"Convene a strategy discussion for {referral.reference}")
    see(page, f"Convene the discussion for {referral.reference}")
    _convene(page)
    discussion = Discussion.objects.get()
    see(page, f"Strategy discussion {discussion.reference}")
    return discussion


def _erin_replies_and_sends_her_check(page: Page, url: str, discussion: Discussion) -> None:
    """Erin, the school's designated safeguarding lead."""
    start(page, url, "erin")
    work(page, f"Reply to the invitation to {discussion.reference}")
    see(page, "Can you attend?")
    page.get_by_label("Yes, I will attend").check()
    click(page, "Send reply", role="button")
    my_work(page)
    work(page, f"Send your agency's check for {discussion.reference}")
    see(page, "check")
    page.get_by_label("Yes, known now").check()
    click(page, "Send your agency's check", role="button")


def _bob_holds_records_authorises_and_sends(page: Page, url: str, discussion: Discussion) -> None:
    start(page, url, "bob")
    work(page, f"Hold strategy discussion {discussion.reference}")
    see(page, "Mark the discussion as held")
    # It was held a minute ago (a little earlier than planned).
    page.locator("#id_held_at").fill(
        (timezone.localtime() - timedelta(minutes=1)).strftime("%H:%M")
    )
    click(page, "Mark as held and open the record", role="button")
    see(page, "Record of the strategy discussion")
    _record(page)
    click(page, "Check and authorise the record")
    see(page, "Check and authorise the record")
    click(page, "Authorise version 1", role="button")
    see(page, "Send version 1 of the record")
    click(page, "Send the record", role="button")
    see(page, "Who has confirmed the record")


def _carol_confirms_and_updates_her_action(page: Page, url: str, discussion: Discussion) -> None:
    """Carol, police detective constable."""
    start(page, url, "carol")
    work(page, f"Confirm the record of {discussion.reference}")
    see(page, "Confirm the record")
    page.get_by_label("Yes").check()
    click(page, "Send response", role="button")
    my_work(page)
    work(page, "Action: Check police records")
    see(page, "Action:")
    page.get_by_label("Done").check()
    page.get_by_label("Update").fill("No police records for the household.")
    click(page, "Save the update", role="button")
    see(page, "My actions")


def _erin_confirms_the_record(page: Page, url: str, discussion: Discussion) -> None:
    start(page, url, "erin")
    work(page, f"Confirm the record of {discussion.reference}")
    see(page, "Confirm the record")
    page.get_by_label("Yes").check()
    click(page, "Send response", role="button")


def _hana_confirms_and_dates_the_conference(
    page: Page, url: str, enquiry: S47Enquiry, people
) -> None:
    """Hana, head of service."""
    enquiry.refresh_from_db()
    icpc = enquiry.icpc
    start(page, url, "hana")
    work(page, f"Confirm and date conference {icpc.reference}")
    see(page, icpc.reference)
    click(page, "Confirm the conference")
    see(page, "Confirm the conference")
    page.get_by_label("Note (optional)").fill("Agreed: continuing risk of significant harm.")
    click(page, "Confirm the conference", role="button")
    see(page, icpc.reference)
    click(page, "Set the date")
    see(page, "Set the date of the conference")
    fill_date(page, "conference_on", timezone.localdate() + timedelta(days=7))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Venue").fill("Riverside House, room 1")
    click(page, "Save the date", role="button")
    see(page, icpc.reference)
    icpc.refresh_from_db()
    assert icpc.state == "date_set"
    assert icpc.confirmed_by == people["hana"]
