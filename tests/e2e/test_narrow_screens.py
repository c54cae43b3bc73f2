"""Every main page works on a phone: no sideways scroll at 320 px, and axe finds nothing at
320 px or at 1280 px (issue 18)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.convening import scheduled_discussion
from tests.e2e.conftest import assert_fits_narrow_and_wide, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def _check(page: Page, heading: str) -> None:
    expect(page.locator("h1")).to_contain_text(heading)
    assert_fits_narrow_and_wide(page)


def test_the_main_pages_fit_320_px(live_server, page, people, accepted_for):
    now = timezone.now()
    waiting = accepted_for(now=now, received_at=now - timedelta(hours=1))
    held = accepted_for(now=now, received_at=now - timedelta(hours=2))
    discussion = scheduled_discussion(
        referral=held, people=people, now=now, starts_in=timedelta(days=1)
    )

    sign_in(page, live_server.url, "bob", PASSWORD)
    for path, heading in [
        ("/my-work/", "My work"),
        (f"/referrals/{waiting.pk}/", f"Referral {waiting.reference}"),
        (f"/discussions/new/{waiting.pk}/", f"Convene the discussion for {waiting.reference}"),
        (f"/discussions/{discussion.pk}/", discussion.reference),
        (f"/discussions/{discussion.pk}/reschedule/", f"Reschedule {discussion.reference}"),
        (f"/discussions/{discussion.pk}/invite/", "Invite more people"),
    ]:
        page.goto(f"{live_server.url}{path}")
        _check(page, heading)
    page.context.clear_cookies()

    sign_in(page, live_server.url, "carol", PASSWORD)
    page.goto(f"{live_server.url}/invitations/")
    _check(page, "My invitations")
    page.get_by_role("link", name=str(discussion), exact=True).click()
    _check(page, discussion.reference)
