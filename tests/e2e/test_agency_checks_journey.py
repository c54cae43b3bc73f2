"""Agency checks in the browser (issue 16): police, health and a school each send their check
from "My work" before the meeting (R001.7; the school answers R003.4's items); the chair sees
all three side by side, then opens the record, records who attended, and finds the
information shared by each agency already filled from the checks; saving it keeps each
check's sender and time.

After signing in, everyone moves by following links, as a person would. The check page, the
board and the record page are scanned with axe at 1280 px and at 320 px (no sideways scroll).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from convene.discussions.models import Discussion
from convene.people.factories import ChildFactory
from convene.workdays.timescales import LONDON
from tests.convening import accepted_referral, scheduled_discussion
from tests.e2e.conftest import assert_fits_narrow_and_wide, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
POLICE, HEALTH, SCHOOL = (
    "Shire Constabulary",
    "Riverside Community Health",
    "Riverside Primary School",
)
# What each agency types: (username, its agency, the answers by question label).
CHECKS = (
    (
        "carol",
        POLICE,
        {
            "Relevant history and incidents": "Two call-outs to the address in 2025",
            "Your role": "Detective constable",
        },
    ),
    (
        "dev",
        HEALTH,
        {
            "Concerns and risks, as your agency sees them": "Missed two immunisation visits",
            "Your role": "Health visitor",
        },
    ),
    (
        "erin",
        SCHOOL,
        {
            "Attendance, and any pattern in absences": "84% this term, Mondays missed",
            "Your role": "Designated safeguarding lead",
        },
    ),
)


@pytest.fixture
def discussion(people, partnership, agencies) -> Discussion:
    now = timezone.now()
    child = ChildFactory(
        partnership=partnership, first_name="Maya", last_name="Okafor", setting=agencies["primary"]
    )
    referral = accepted_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        children=[child],
        now=now,
        received_at=now - timedelta(hours=1),
    )
    return scheduled_discussion(
        referral=referral,
        people=people,
        invitees=("carol", "dev", "erin"),
        now=now,
        starts_in=timedelta(hours=2),
        allow_missing_required=True,
    )


def _follow(page: Page, name: str | re.Pattern[str]) -> None:
    """Follow a link of the page itself (not the navigation), and wait for the next page."""
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=name).first.click()


def _back(page: Page, text: str) -> None:
    with page.expect_navigation():
        page.locator("a.govuk-back-link", has_text=text).click()


def _my_work(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="My work", exact=True).first.click()
    expect(page.locator("h1")).to_contain_text("My work")


def _partner_sends_check(page: Page, base: str, username: str, answers: dict[str, str], ref: str):
    sign_in(page, base, username, PASSWORD)
    _my_work(page)
    _follow(page, f"Send your agency's check for {ref}")
    expect(page.locator("h1")).to_have_text("Your agency's check")
    if username != "dev":  # the police form and the school's longer one
        assert_fits_narrow_and_wide(page)
    page.get_by_label("Yes, known now").check()
    for label, answer in answers.items():
        page.get_by_label(label, exact=True).fill(answer)
    with page.expect_navigation():
        page.get_by_role("button", name="Send your agency's check").click()
    expect(page.locator("h1")).to_have_text("Agency checks")
    expect(page.locator("main")).to_contain_text(next(iter(answers.values())))
    page.context.clear_cookies()


def _hold_link(ref: str) -> re.Pattern[str]:
    return re.compile(rf"^Hold strategy (discussion|meeting) {ref}$")


def test_three_agencies_send_checks_and_the_chair_opens_the_record_prefilled(
    live_server, page, discussion
):
    base = live_server.url
    ref = discussion.reference
    for username, _agency, answers in CHECKS:
        _partner_sends_check(page, base, username, answers, ref)

    # The chair: from "My work" to the discussion, then its agency checks.
    sign_in(page, base, "bob", PASSWORD)
    _my_work(page)
    _follow(page, _hold_link(ref))
    _back(page, "Back to the discussion")
    expect(page.locator("h1")).to_contain_text(ref)
    _follow(page, re.compile("^See the agency checks"))
    main = page.locator("main")
    expect(main).to_contain_text("3 of 3 agencies sent their check")
    titles = page.locator(".govuk-summary-card__title").all_inner_texts()
    assert titles == sorted([POLICE, HEALTH, SCHOOL])  # side by side, by agency
    assert page.locator(".govuk-summary-card .govuk-tag").all_inner_texts() == ["Received"] * 3
    assert "Not received" not in main.inner_text()
    for _username, _agency, answers in CHECKS:
        for answer in answers.values():
            expect(main).to_contain_text(answer)
    assert_fits_narrow_and_wide(page)

    # The meeting takes place (a little early: the chair types the time it started).
    _my_work(page)
    _follow(page, _hold_link(ref))
    started = timezone.now().astimezone(LONDON)
    page.get_by_label("Day").fill(str(started.day))
    page.get_by_label("Month").fill(str(started.month))
    page.get_by_label("Year").fill(str(started.year))
    page.get_by_label("Time it started").fill(f"{started:%H:%M}")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as held and open the record").click()
    expect(page.locator("h1")).to_contain_text("Record of the strategy")
    assert_fits_narrow_and_wide(page)

    # Who attended: each of the three agencies gets its place in the information shared.
    _follow(page, "Attendance")
    for radio in page.get_by_role("radio", name="Attended").all():
        radio.check()
    page.get_by_label(re.compile("Everyone who attended brought")).check()
    page.get_by_label("A meeting in person").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and return to the record").click()
    expect(page.locator("main")).to_contain_text("Attendance: saved")

    # The record's information shared by each agency, filled from the checks, attributed.
    _follow(page, "Information shared by each agency")
    for _username, agency, answers in CHECKS:
        box = page.get_by_label(f"{agency}: information shared", exact=True)
        for label, answer in answers.items():
            if label != "Your role":
                expect(box).to_have_value(re.compile(re.escape(f"{label}: {answer}")))
        expect(box).to_have_value(re.compile("Is the child known to your agency\\?: Yes"))
    # The chair saves the section; each item stays attributed and time-stamped, as the chair
    # reads the record to authorise it.
    page.get_by_role("group", name="Was any information shared without consent?").get_by_label(
        "No"
    ).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and return to the record").click()
    expect(page.locator("h1")).to_contain_text("Record of the strategy")
    _follow(page, "Check and authorise the record")
    main = page.locator("main")
    for _username, agency, answers in CHECKS:
        role = answers["Your role"]
        sent = rf"{re.escape(agency)} \(.+ \({role}\), agency check sent \d+ \w+ \d{{4}}"
        expect(main).to_contain_text(re.compile(sent))
