"""Browser journeys: Playwright driving Debian's Chromium, with an axe-core scan."""

from __future__ import annotations

import hashlib
import os
import re
import time
import weakref
from base64 import b32decode
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Browser, Page, sync_playwright

from convene.people.models import Professional
from tests.convening import accepted_for  # noqa: F401 - fixture
from tests.totp import code_for, confirmed_device

CHROMIUM = "/usr/bin/chromium"
# The network is closed here: without these flags Chromium stalls on refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# the test itself (fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page under the site's real Content Security Policy: any violation fails the test."""
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert violations == [], f"Content Security Policy violations: {violations}"


@cache
def _axe_source() -> str:
    return AXE.read_text()


# What axe found on each page, by what it scanned: a page whose document is the same, at the
# same width, as one scanned already (the sign-in page, at each persona's turn) is not
# scanned again. The key is the address, the markup and what each field holds now, less
# only the CSRF token, which is new on every render.
_SCANNED: weakref.WeakKeyDictionary[Page, dict[tuple[int, str], list[dict[str, Any]]]] = (
    weakref.WeakKeyDictionary()
)
_DOCUMENT = """() => {
    const copy = document.documentElement.cloneNode(true);
    copy.querySelectorAll('input[name=csrfmiddlewaretoken]').forEach(e => e.remove());
    const fields = [...document.querySelectorAll('input, select, textarea')]
        .filter(e => e.name !== 'csrfmiddlewaretoken')
        .map(e => ['checkbox', 'radio'].includes(e.type) ? String(e.checked) : e.value);
    return JSON.stringify([location.href, copy.outerHTML, fields]);
}"""
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.x A and AA rules) on the page and return its violations."""
    width = page.evaluate("window.innerWidth")
    key = (width, hashlib.sha256(page.evaluate(_DOCUMENT).encode()).hexdigest())
    scanned = _SCANNED.setdefault(page, {})
    if key in scanned:
        return scanned[key]
    # Evaluated through the DevTools protocol, so the page's CSP (no inline script)
    # does not have to be bypassed to inject axe; once per page, not once per scan (a page
    # is scanned at two widths).
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(_axe_source())
    # Every rule runs; only the violations are gathered in full and sent back (axe's
    # resultTypes: passes and the rest are not collected node by node, nor serialised).
    violations = page.evaluate(
        """async tags => (await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']
        })).violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target)}))""",
        WCAG_TAGS,
    )
    scanned[key] = violations
    return violations


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe found violations on {page.url}: {violations}"


def starting(text: str) -> re.Pattern[str]:
    """For web-first assertions (``expect``), which wait for the next page to load."""
    return re.compile("^" + re.escape(text))


def containing(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


SET_UP_HEADING = "Set up your authenticator app"
CODE_HEADING = "Enter the code from your authenticator app"


def code_from_set_up_page(page: Page) -> str:
    """Read the key shown for people who cannot scan the QR code, as a phone app would."""
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Sign in through both steps: password, then a code (setting up the app if needed)."""
    page.goto(f"{base_url}/sign-in/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # Wait for each POST's response page, or the next read may see the previous page.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    heading = page.locator("h1").inner_text()
    if heading == SET_UP_HEADING:
        page.get_by_label("Code from your app").fill(code_from_set_up_page(page))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    elif heading == CODE_HEADING:
        user = Professional.objects.get(username=username)
        page.get_by_label(CODE_HEADING).fill(code_for(confirmed_device(user)))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


NARROW = 320
WIDE = 1280


def assert_fits(page: Page, width: int = NARROW) -> None:
    """At ``width`` CSS pixels the page scrolls only downwards (WCAG 1.4.10 Reflow: 320 px),
    and axe finds nothing at that width either. The viewport is left at ``width``."""
    page.set_viewport_size({"width": width, "height": 900})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (
        f"{page.url} scrolls sideways at {width} px: it is {scroll_width} px wide"
    )
    assert_accessible(page)


def assert_fits_narrow_and_wide(page: Page) -> None:
    """The page at 320 px and at 1280 px (issue 18), ending wide."""
    assert_fits(page, NARROW)
    assert_fits(page, WIDE)
