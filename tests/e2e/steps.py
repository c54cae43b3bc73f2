"""Steps the persona journeys share: look at a page (axe at 1280 px and 320 px), follow a
link or press a button inside the main content, and type a GOV.UK date."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from tests.e2e.conftest import NARROW, WIDE, axe_violations


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
