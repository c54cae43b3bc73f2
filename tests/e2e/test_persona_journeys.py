"""One whole case, driven in the browser by each persona in turn, from "My work" alone (issue 18).

concern → triage → convene → agency check → hold → record → authorise → distribute →
confirm → the police's action → S47 (started by the authorisation) visit and outcome → ICPC.

Alice (social worker) records the concern and does the S47 visit and outcome; Bob (team
manager) triages, convenes, chairs, records, authorises and sends; Erin (school DSL) replies
to her invitation and sends her school's check, then confirms the record; Carol (police)
confirms the record and updates her agency's action; Hana (head of service) confirms and dates
the conference. Each signs in, opens "My work" and moves only by clicking links and buttons.
Every page visited is scanned with axe at 1280 px and at 320 px, where it must not scroll
sideways (WCAG 1.4.10).

The journey runs on a Tuesday morning (the clock is moved there and left to tick), so the
discussion convened "for later today" is always today, whatever the time the suite runs.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from convene.allocation.demo import demo_teams
from convene.discussions.models import Discussion
from convene.followup.models import S47Enquiry
from convene.people.factories import ChildFactory
from convene.policy.vocab import Decision, RecordSection
from convene.records.models import Action, Confirmation
from convene.referrals.models import Referral
from convene.workdays import LONDON
from tests.e2e.conftest import NARROW, WIDE, axe_violations, containing, sign_in
from tests.records.conftest import fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
# The live server shares this process's clock: the whole journey happens on one working day.
TUESDAY_MORNING = datetime(2027, 3, 2, 9, 30, tzinfo=LONDON)


def _axe(page: Page) -> None:
    """axe, less GOV.UK Frontend's one known issue: ``aria-expanded`` on a radio that reveals
    a conditional question (alphagov/govuk-frontend#979, kept on purpose for screen readers)."""
    conditional = set(
        page.eval_on_selector_all(
            "input[type=radio][aria-controls]", "els => els.map(e => '#' + e.id)"
        )
    )
    found = [
        v
        for v in axe_violations(page)
        if not (v["id"] == "aria-allowed-attr" and {n[0] for n in v["nodes"]} <= conditional)
    ]
    assert found == [], f"axe found violations on {page.url}: {found}"


def _see(page: Page, heading: str) -> None:
    """The page has loaded with ``heading``; axe finds nothing at 1280 px, nor at 320 px,
    where the page must not scroll sideways. The viewport is left at 1280 px."""
    expect(page.locator("h1")).to_contain_text(heading)
    _axe(page)
    page.set_viewport_size({"width": NARROW, "height": 900})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW, f"{page.url} scrolls sideways at 320 px: it is {width} px wide"
    _axe(page)
    page.set_viewport_size({"width": WIDE, "height": 900})


def _click(page: Page, name: str | re.Pattern[str], *, role: str = "link") -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role(role, name=name).first.click()  # type: ignore[arg-type]


def _start(page: Page, url: str, username: str) -> None:
    """Sign in, then open My work from the service navigation."""
    page.context.clear_cookies()
    sign_in(page, url, username, PASSWORD)
    _my_work(page)


def _my_work(page: Page) -> None:
    """Open My work from the service navigation."""
    with page.expect_navigation():
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="My work").click()
    _see(page, "My work")


def _work(page: Page, what: str) -> None:
    """Follow My work's row that starts with ``what``."""
    _click(page, re.compile("^" + re.escape(what)))


def _date(page: Page, prefix: str, day) -> None:
    page.locator(f"#id_{prefix}").fill(str(day.day))
    page.locator(f"#id_{prefix}-month").fill(str(day.month))
    page.locator(f"#id_{prefix}-year").fill(str(day.year))


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
        _see(page, heading)
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
            _click(page, "Search", role="button")
            _axe(page)
            _click(page, "Add Ada Okafor", role="button")
        for kind, target, value in answers:
            if kind == "date":
                _date(page, target, value)
            elif kind == "fill":
                page.get_by_label(target).fill(value)
            elif kind == "check":
                page.get_by_label(target).check()
            else:
                page.locator(target).check()
        _click(page, "Continue", role="button")
    _see(page, "Planning the discussion")
    page.locator("#id_agencies_key_to_planning").fill("3")
    for name in ("complex_concerns", "ongoing_risk", "review_requested", "new_information"):
        page.locator(f"#id_{name}-2").check()
    _click(page, "Continue", role="button")
    _see(page, "Check your answers before recording the referral")
    _click(page, "Record referral", role="button")


def _convene(page: Page) -> None:
    starts = timezone.localtime() + timedelta(hours=2)
    _date(page, "date", starts.date())
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
    _axe(page)
    _click(page, "Send invitations", role="button")


def _record(page: Page, discussion: Discussion, people) -> None:
    """Bob writes the record: attendance, decision and the police's action in the browser;
    the narrative sections through the service (typing them adds nothing to the journey)."""
    _click(page, "Attendance")
    _see(page, "Attendance")
    for radio in page.get_by_role("radio", name="Attended").all():
        radio.check()
    page.get_by_label(re.compile("Everyone who attended brought")).check()
    page.get_by_label("A meeting in person").check()
    _click(page, "Save and return to the record", role="button")

    _click(page, "Decision")
    _see(page, "Decision")
    page.get_by_label("Section 47 enquiry jointly with the police").check()
    page.get_by_label("Reasons for the decision").fill("A bruise on her cheek; Ada's account")
    _click(page, "Save and return to the record", role="button")

    _click(page, "Actions")
    _see(page, "Actions")
    _click(page, "Add an action")
    _see(page, "action")
    page.get_by_label("Who will do it?").fill("constab")
    page.get_by_role("option", name=containing("Shire Constabulary")).first.click()
    page.get_by_label("What will they do?").fill("Check police records for the household")
    _date(page, "due_on", timezone.localdate() + timedelta(days=1))
    page.get_by_label("Why: what is it for?").fill("Section 47 enquiry")
    _click(page, "Save the action", role="button")

    discussion.refresh_from_db()
    fill(
        discussion.record,
        people,
        Decision.S47_JOINT,
        skip=[RecordSection.ATTENDANCE, RecordSection.DECISION, RecordSection.ACTIONS],
    )
    _click(page, "Return to the record")
    _see(page, "Record of the strategy discussion")


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
        page.screenshot(path=tmp_path / "failed.png", full_page=True)
        (tmp_path / "failed.html").write_text(page.content())
        raise


def _journey(page: Page, url: str, people) -> None:
    # --- Alice, social worker: records the concern ------------------------------------------
    _start(page, url, "alice")
    _click(page, "Record a concern")
    _see(page, "Record a concern")
    _click(page, "Start now", role="button")
    _record_concern(page)
    referral = Referral.objects.get()
    _see(page, f"Referral {referral.reference}")

    # --- Bob, team manager: triages and convenes ----------------------------------------------
    _start(page, url, "bob")
    _work(page, f"Triage referral {referral.reference}")
    _see(page, f"Triage referral {referral.reference}")
    page.get_by_label("Strategy discussion", exact=True).check()
    _click(page, "Confirm decision", role="button")
    _see(page, f"Referral {referral.reference}")
    # Triage allocated the case to Alice, who recorded it: it is the team's work now.
    _my_work(page)
    _click(page, "Show my team’s work")
    _see(page, "My team’s work")
    _work(page, f"Convene a strategy discussion for {referral.reference}")
    _see(page, f"Convene the discussion for {referral.reference}")
    _convene(page)
    discussion = Discussion.objects.get()
    _see(page, f"Strategy discussion {discussion.reference}")

    # --- Erin, school DSL: replies and sends her school's check -------------------------------
    _start(page, url, "erin")
    _work(page, f"Reply to the invitation to {discussion.reference}")
    _see(page, "Can you attend?")
    page.get_by_label("Yes, I will attend").check()
    _click(page, "Send reply", role="button")
    _my_work(page)
    _work(page, f"Send your agency's check for {discussion.reference}")
    _see(page, "check")
    page.get_by_label("Yes, known now").check()
    _click(page, "Send your agency's check", role="button")

    # --- Bob: holds the discussion, records, authorises and sends -----------------------------
    _start(page, url, "bob")
    _work(page, f"Hold strategy discussion {discussion.reference}")
    _see(page, "Mark the discussion as held")
    # It was held a minute ago (a little earlier than planned).
    page.locator("#id_held_at").fill(
        (timezone.localtime() - timedelta(minutes=1)).strftime("%H:%M")
    )
    _click(page, "Mark as held and open the record", role="button")
    _see(page, "Record of the strategy discussion")
    _record(page, discussion, people)
    _click(page, "Check and authorise the record")
    _see(page, "Check and authorise the record")
    _click(page, "Authorise version 1", role="button")
    _see(page, "Send version 1 of the record")
    _click(page, "Send the record", role="button")
    _see(page, "Who has confirmed the record")

    # --- Carol, police: confirms the record and updates her agency's action ----------------
    _start(page, url, "carol")
    _work(page, f"Confirm the record of {discussion.reference}")
    _see(page, "Confirm the record")
    page.get_by_label("Yes").check()
    _click(page, "Send response", role="button")
    _my_work(page)
    _work(page, "Action: Check police records")
    _see(page, "Action:")
    page.get_by_label("Done").check()
    page.get_by_label("Update").fill("No police records for the household.")
    _click(page, "Save the update", role="button")
    _see(page, "My actions")

    # --- Erin: confirms the record -------------------------------------------------------------
    _start(page, url, "erin")
    _work(page, f"Confirm the record of {discussion.reference}")
    _see(page, "Confirm the record")
    page.get_by_label("Yes").check()
    _click(page, "Send response", role="button")

    # --- Alice: the S47 enquiry the authorisation started: the visit, then the outcome ---------
    enquiry = S47Enquiry.objects.get()
    _start(page, url, "alice")
    _work(page, f"Visit for S47 enquiry {enquiry.reference}")
    _see(page, "visit")
    now = timezone.localtime()
    _date(page, "visited_on", now.date())
    page.get_by_label("Time of the visit").fill(now.strftime("%H:%M"))
    page.get_by_label("Alice Ashworth").check()
    page.locator("#id_seen_alone").check()
    _click(page, re.compile("Save|Record"), role="button")
    _see(page, "S47 enquiry: Ada Okafor")
    _click(page, "Record the outcome")
    _see(page, "outcome")
    page.get_by_label(re.compile("continuing risk of significant harm")).check()
    page.get_by_label("Reasons for the outcome").fill("Ada's account and the bruising.")
    _click(page, re.compile("Save|Record"), role="button")
    _see(page, "S47 enquiry: Ada Okafor")

    # --- Hana, head of service: confirms and dates the conference -----------------------------
    enquiry.refresh_from_db()
    icpc = enquiry.icpc
    _start(page, url, "hana")
    _work(page, f"Confirm and date conference {icpc.reference}")
    _see(page, icpc.reference)
    _click(page, "Confirm the conference")
    _see(page, "Confirm the conference")
    page.get_by_label("Note (optional)").fill("Agreed: continuing risk of significant harm.")
    _click(page, "Confirm the conference", role="button")
    _see(page, icpc.reference)
    _click(page, "Set the date")
    _see(page, "Set the date of the conference")
    _date(page, "conference_on", timezone.localdate() + timedelta(days=7))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Venue").fill("Riverside House, room 1")
    _click(page, "Save the date", role="button")
    _see(page, icpc.reference)
    icpc.refresh_from_db()
    assert icpc.state == "date_set"
    assert icpc.confirmed_by == people["hana"]
    # What the clicks did, end to end.
    assert (
        Confirmation.objects.filter(professional__in=[people["carol"], people["erin"]]).count() == 2
    )
    assert Action.objects.get(record=discussion.record, kind="agreed").status == "done"
    enquiry.refresh_from_db()
    assert enquiry.visited_at is not None
    assert enquiry.outcome_at is not None
