"""From a concern to invitations sent, in the browser, with an axe scan of every page:
tom records the referral, bob triages and convenes, carol finds her invitation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from convene.discussions.models import Discussion
from convene.people.factories import ChildFactory
from convene.referrals.models import Referral
from tests.convening import without_check_requests
from tests.e2e.conftest import assert_accessible, containing, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def _heading(page: Page, text: str) -> None:
    expect(page.locator("h1")).to_contain_text(text)
    assert_accessible(page)


def _sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_referral_to_invitations_journey(
    live_server, page, people, agencies, partnership, mailoutbox
):
    ChildFactory(
        partnership=partnership,
        first_name="Zed",
        last_name="Quill",
        setting=agencies["primary"],
    )

    # --- tom, triage advisor: record the concern -------------------------------------
    sign_in(page, live_server.url, "tom", PASSWORD)
    page.goto(f"{live_server.url}/referrals/new/")
    _heading(page, "Record a concern")
    page.get_by_role("button", name="Start now").click()

    _heading(page, "When and how was the concern received?")
    received = timezone.localtime() - timedelta(minutes=5)
    page.locator("#id_received_date").fill(str(received.day))
    page.locator("#id_received_date-month").fill(str(received.month))
    page.locator("#id_received_date-year").fill(str(received.year))
    page.get_by_label("Time received").fill(received.strftime("%H:%M"))
    page.get_by_label("Phone call").check()
    _continue(page)

    _heading(page, "Who made the referral?")
    page.get_by_label("Agency", exact=True).select_option(label="Riverside Primary School")
    page.get_by_label("Full name").fill("Erin Evans")
    page.get_by_label("Role or relationship to the child").fill("Designated safeguarding lead")
    page.get_by_label("Email address", exact=True).fill("erin@example.org")
    _continue(page)

    _heading(page, "Which children is the concern about?")
    page.get_by_label("Find a child on record").fill("Quill")
    page.get_by_role("button", name="Search").click()
    # The results' page first: scanned while it loads, the document can be empty.
    add = page.get_by_role("button", name="Add Zed Quill")
    expect(add).to_be_visible()
    assert_accessible(page)
    add.click()
    expect(page.get_by_text("Children added")).to_be_visible()
    assert_accessible(page)
    _continue(page)

    _heading(page, "What happened, in the referrer's words?")
    page.get_by_label("What happened, in the referrer's words?").fill(
        "Zed has a burn on his forearm and said his stepfather held his arm against the oven."
    )
    _continue(page)

    _heading(page, "Your conversation with the referrer")
    page.get_by_label("Your conversation with the referrer").fill(
        "Called Ms Evans at 09:40. Zed is in school and says he is scared to go home."
    )
    _continue(page)

    _heading(page, "What kind of concern is it?")
    page.get_by_label("Physical abuse").check()
    page.get_by_label("Serious physical injury").check()
    _continue(page)

    _heading(page, "Significant harm and immediate risk")
    page.locator("#id_significant_harm_suspected").check()
    page.locator("#id_immediate_risk").check()
    page.locator("#id_forensic_evidence_needed-2").check()
    _continue(page)

    _heading(page, "Health and medical needs")
    page.locator("#id_in_hospital-2").check()
    page.locator("#id_medical_needed").check()
    _continue(page)

    _heading(page, "What is the exploitation screening rating?")
    page.get_by_label("Not screened").check()
    _continue(page)

    _heading(page, "Planning the discussion")
    page.locator("#id_agencies_key_to_planning").fill("2")
    for name in ("complex_concerns", "ongoing_risk", "review_requested", "new_information"):
        page.locator(f"#id_{name}-2").check()
    _continue(page)

    _heading(page, "Check your answers before recording the referral")
    expect(page.get_by_text("Zed Quill")).to_be_visible()
    page.get_by_role("button", name="Record referral").click()

    referral = Referral.objects.get()
    _heading(page, f"Referral {referral.reference}")
    expect(page.get_by_text("Awaiting triage").first).to_be_visible()
    _sign_out(page)

    # --- bob, team manager: triage and convene ---------------------------------------------
    sign_in(page, live_server.url, "bob", PASSWORD)
    page.goto(f"{live_server.url}/my-work/")
    _heading(page, "My work")
    page.get_by_role("link", name=referral.reference).first.click()
    _heading(page, f"Referral {referral.reference}")
    page.get_by_role("link", name="Triage this referral").click()

    _heading(page, f"Triage referral {referral.reference}")
    expect(page.get_by_text("Same day: Immediate risk of harm")).to_be_visible()
    # Recommended, but the manager chooses: nothing is pre-selected (issue 18).
    expect(page.get_by_label("Strategy discussion", exact=True)).not_to_be_checked()
    page.get_by_label("Strategy discussion", exact=True).check()
    page.get_by_role("button", name="Confirm decision").click()

    _heading(page, f"Referral {referral.reference}")
    expect(page.get_by_text("Convene by")).to_be_visible()
    page.get_by_role("link", name="Convene the strategy discussion").click()

    _heading(page, f"Convene the discussion for {referral.reference}")
    expect(page.get_by_text("Who should take part")).to_be_visible()
    day = timezone.localdate() + timedelta(days=1)
    page.locator("#id_date").fill(str(day.day))
    page.locator("#id_date-month").fill(str(day.month))
    page.locator("#id_date-year").fill(str(day.year))
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label("End time").fill("10:30")
    page.get_by_label("Venue").fill("Riverside House, room 2")
    # The chair and the invitees are found by typing (an accessible autocomplete, issue 18).
    page.get_by_label("Chair").fill("bennett")
    page.get_by_role("option", name=containing("Bob Bennett, Team manager")).click()
    page.get_by_label("Find someone to invite").fill("constab")
    page.get_by_role("option", name=containing("Carol Clarke")).click()
    expect(page.get_by_text("Carol Clarke is ticked to be invited")).to_be_visible()
    expect(page.get_by_label("Carol Clarke, Detective constable")).to_be_checked()
    assert_accessible(page)
    for label in (
        "Dev Dhillon, Named nurse",
        "Priya Patel, Consultant paediatrician",
        "Erin Evans, Designated safeguarding lead",
    ):
        page.get_by_label(label).check()
    page.get_by_role("button", name="Send invitations").click()

    discussion = Discussion.objects.get()
    _heading(page, f"Strategy discussion {discussion.reference}")
    expect(page.get_by_text("Carol Clarke").first).to_be_visible()
    invited = sorted(m.to[0] for m in without_check_requests(mailoutbox))
    assert invited == sorted(
        [
            "bob@example.org",
            "carol@example.org",
            "dev@example.org",
            "erin@example.org",
            "priya@example.org",
            "erin@example.org",  # as the referrer: the preparation checklist (R003.4)
        ]
    )
    [carol_mail] = [m for m in without_check_requests(mailoutbox) if m.to == ["carol@example.org"]]
    [(_name, content, _type)] = carol_mail.attachments
    data = content.encode() if isinstance(content, str) else content
    [event] = Calendar.from_ical(data).walk("VEVENT")
    assert str(event["uid"]) == f"{discussion.uid}@convene"
    assert discussion.invitations.filter(sent_at__isnull=False).count() == 5
    _sign_out(page)

    # --- carol, police: sees it under My invitations ----------------------------------------
    sign_in(page, live_server.url, "carol", PASSWORD)
    page.goto(f"{live_server.url}/invitations/")
    _heading(page, "My invitations")
    page.get_by_role("link", name=str(discussion), exact=True).click()
    _heading(page, f"Strategy discussion {discussion.reference}")
    expect(page.get_by_text("Zed Quill")).to_be_visible()
    page.get_by_role("link", name="Reply to the invitation").click()
    _heading(page, "Can you attend?")
    page.get_by_label("Yes, I will attend").check()
    page.get_by_role("button", name="Send reply").click()
    _heading(page, "My invitations")
    expect(page.get_by_text("Attending")).to_be_visible()
