"""Steps the persona journeys share: sign in and open My work, look at a page (axe at 1280 px
and 320 px), follow a link or press a button inside the main content, type a GOV.UK date,
and the social worker's S47 visit and outcome."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from convene.followup.models import S47Enquiry
from convene.workdays import LONDON
from tests.e2e.conftest import NARROW, WIDE, axe_violations, sign_in


def axe_clean(page: Page) -> None:
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


def see(page: Page, heading: str) -> None:
    """The page has loaded with ``heading``; axe finds nothing at 1280 px, nor at 320 px,
    where the page must not scroll sideways. The viewport is left at 1280 px."""
    expect(page.locator("h1")).to_contain_text(heading)
    axe_clean(page)
    page.set_viewport_size({"width": NARROW, "height": 900})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW, f"{page.url} scrolls sideways at 320 px: it is {width} px wide"
    axe_clean(page)
    page.set_viewport_size({"width": WIDE, "height": 900})


def click(page: Page, name: str | re.Pattern[str], *, role: str = "link") -> None:
    """Follow the first link (or press the button) called ``name`` in the main content."""
    with page.expect_navigation():
        page.locator("main").get_by_role(role, name=name).first.click()  # type: ignore[arg-type]


def fill_date(page: Page, prefix: str, day: date) -> None:
    page.locator(f"#id_{prefix}").fill(str(day.day))
    page.locator(f"#id_{prefix}-month").fill(str(day.month))
    page.locator(f"#id_{prefix}-year").fill(str(day.year))


PASSWORD = "correct horse battery staple"
# The live server shares this process's clock: a journey happens on one working day.
TUESDAY_MORNING = datetime(2027, 3, 2, 9, 30, tzinfo=LONDON)


def start(page: Page, url: str, username: str) -> None:
    """Sign in, then open My work from the service navigation."""
    page.context.clear_cookies()
    sign_in(page, url, username, PASSWORD)
    my_work(page)


def my_work(page: Page) -> None:
    """Open My work from the service navigation."""
    with page.expect_navigation():
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="My work").click()
    see(page, "My work")


def work(page: Page, what: str) -> None:
    """Follow My work's row that starts with ``what``."""
    click(page, re.compile("^" + re.escape(what)))


def visit_and_outcome(page: Page, url: str, enquiry: S47Enquiry, outcome: str) -> None:
    """Alice, social worker: the S47 enquiry the authorisation started, from her My work:
    she sees the child alone on the visit, then records the enquiry's ``outcome``."""
    start(page, url, "alice")
    work(page, f"Visit for S47 enquiry {enquiry.reference}")
    see(page, "visit")
    now = timezone.localtime()
    fill_date(page, "visited_on", now.date())
    page.get_by_label("Time of the visit").fill(now.strftime("%H:%M"))
    page.get_by_label("Alice Ashworth").check()
    page.locator("#id_seen_alone").check()
    click(page, re.compile("Save|Record"), role="button")
    heading = f"S47 enquiry: {enquiry.child.full_name}"
    see(page, heading)
    click(page, "Record the outcome")
    see(page, "outcome")
    page.get_by_label(re.compile(outcome)).check()
    page.get_by_label("Reasons for the outcome").fill("The child's account and the bruising.")
    click(page, re.compile("Save|Record"), role="button")
    see(page, heading)
