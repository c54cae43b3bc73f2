"""The axe scan itself (tests/e2e/conftest.py): it still finds what is wrong, and a page is
scanned again whenever anything axe could see has changed; only an identical page at the
same width is answered from the earlier scan."""

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import NARROW, WIDE, axe_violations

pytestmark = pytest.mark.browser

BROKEN = """<!doctype html><html><head><title>Broken</title></head><body><main>
<form><input type="hidden" name="csrfmiddlewaretoken" value="{token}">
<input type="text" id="name"><img src="data:,"></form></main></body></html>"""


def _ids(page: Page) -> set[str]:
    return {v["id"] for v in axe_violations(page)}


def _runs(page: Page) -> int:
    """How often axe has run on this document (counted from when this was first asked)."""
    return page.evaluate(
        """() => {
            if (window.runs === undefined) {
                window.runs = 0;
                const run = axe.run.bind(axe);
                axe.run = (...args) => { window.runs += 1; return run(...args); };
            }
            return window.runs;
        }"""
    )


def test_axe_finds_violations_and_scans_again_whatever_changed(page: Page) -> None:
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.set_content(BROKEN.format(token="first"))
    found = _ids(page)
    # No lang, a field without a label, an image without alt text.
    assert {"html-has-lang", "label", "image-alt"} <= found
    # The same page rendered again (a new CSRF token only) is the same page.
    page.set_content(BROKEN.format(token="second"))
    assert _ids(page) == found
    # A change of markup, of a field's value, or of width is scanned afresh.
    runs = _runs(page)
    page.evaluate("document.documentElement.lang = 'en'")
    assert _ids(page) == found - {"html-has-lang"}
    page.evaluate("document.querySelector('img').alt = 'A picture'")
    assert _ids(page) == found - {"html-has-lang", "image-alt"}
    assert _runs(page) == runs + 2
    _ids(page)
    assert _runs(page) == runs + 2, "an unchanged page was scanned again"
    page.locator("#name").fill("Ada")
    assert _ids(page) == {"label"}
    page.set_viewport_size({"width": NARROW, "height": 900})
    assert _ids(page) == {"label"}
    assert _runs(page) == runs + 4
