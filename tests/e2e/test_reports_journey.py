"""A head of service opens Reports, each report and the Returns page, on a wide screen and
on a 320 px phone: axe reports nothing, and at 320 px the page never scrolls sideways (wide
tables scroll inside their own focusable region)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.convening import referral_for  # noqa: F401 - fixture
from tests.e2e.conftest import assert_accessible, sign_in, starting
from tests.followup.conftest import enquiry, london, s47_decision  # noqa: F401 - fixtures
from tests.records.conftest import make_record  # noqa: F401 - fixture
from tests.reporting.fixtures import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APRIL = (
    "period=dates&start-day=1&start-month=4&start-year=2026&end-day=30&end-month=4&end-year=2026"
)
# Each report's page: (path after the site, its heading).
PAGES = (
    (f"/reports/?{APRIL}", "Reports"),
    (f"/reports/drift/?{APRIL}", "Work that is drifting"),
    (f"/reports/quality/?{APRIL}", "Records that miss a quality standard"),
    (f"/reports/overrides/?{APRIL}", "Recommendations overridden"),
    ("/returns/", "Statutory returns"),
)


def _no_sideways_scroll(page: Page, width: int) -> None:
    if width <= 320:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{page.url} scrolls sideways at {width} px: {scroll}"


@pytest.mark.parametrize("width", [1280, 320])
def test_hana_opens_every_report_and_the_returns(
    live_server,
    page,
    people,
    partnership,
    referral_for,  # noqa: F811
    enquiry,  # noqa: F811
    width,
):
    restricted = referral_for(categories=("allegation_against_staff",), named=("hana", "lee"))
    build(partnership, restricted=restricted)
    enquiry(held_at=london(2026, 4, 2, 13, 0))  # a record, its attendance and decision
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "hana", "correct horse battery staple")

    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("h1")).to_have_text("Reports")
    page.get_by_role("link", name=starting("Statutory returns")).click()
    expect(page.locator("h1")).to_have_text("Statutory returns")

    for path, heading in PAGES:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_have_text(heading)
        assert_accessible(page)
        _no_sideways_scroll(page, width)

    # A census year out of range is said plainly, with the error summary.
    page.get_by_label("Census year, by the 31 March it ends").fill("1999")
    page.get_by_role("button", name="Download the census (XML)").click()
    expect(page).to_have_title(starting("Error: Statutory returns"))
    expect(page.get_by_role("alert").get_by_text(starting("Enter a census year"))).to_be_visible()
    assert_accessible(page)
    _no_sideways_scroll(page, width)
