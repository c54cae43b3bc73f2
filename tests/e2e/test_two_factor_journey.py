"""Browser journeys for sign-in with two factors, under the real CSP, with axe scans."""

import pytest
from playwright.sync_api import expect

from convene.people.factories import ChildFactory
from tests.e2e.conftest import (
    CODE_HEADING,
    SET_UP_HEADING,
    assert_accessible,
    code_from_set_up_page,
    containing,
    sign_in,
    starting,
)
from tests.totp import code_for, confirmed_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _password(page, base_url, username="alice", password=PASSWORD):
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_first_sign_in_sets_up_the_app_then_later_sign_ins_ask_for_a_code(
    live_server, page, people, partnership
):
    ChildFactory(partnership=partnership, first_name="Ann", last_name="Smith")
    _password(page, live_server.url)

    expect(page.locator("h1")).to_have_text(SET_UP_HEADING)
    expect(page).to_have_title(starting(SET_UP_HEADING))
    expect(
        page.get_by_role("img", name="QR code to add Convene to your authenticator app")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Code from your app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(starting(f"Error: {SET_UP_HEADING}"))
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)

    page.wait_for_timeout(1100)  # django-otp asks for a second's pause after a wrong code
    page.get_by_label("Code from your app").fill(code_from_set_up_page(page))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Children")

    page.get_by_role("button", name="Sign out").click()
    _password(page, live_server.url)
    expect(page.locator("h1")).to_have_text(CODE_HEADING)
    assert_accessible(page)
    device = confirmed_device(people["alice"])
    page.get_by_label(CODE_HEADING).fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Children")

    page.get_by_role("link", name="Ann Smith").click()
    page.get_by_role("link", name="Everyone who has looked at this record, day by day").click()
    expect(page.locator("h1")).to_contain_text("Who has looked at")
    expect(page.get_by_role("cell", name="Alice Ashworth").first).to_be_visible()
    assert_accessible(page)


def test_a_wrong_code_shows_an_accessible_error(live_server, page, people):
    confirmed_device(people["bob"])
    _password(page, live_server.url, "bob")
    page.get_by_label(CODE_HEADING).fill("12345")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(starting(f"Error: {CODE_HEADING}"))
    expect(page.get_by_role("link", name="The code must be 6 digits")).to_be_visible()
    assert_accessible(page)


def test_the_locked_out_page_is_accessible(live_server, page, people):
    for _ in range(5):
        _password(page, live_server.url, "alice", "wrong password")
    expect(page.locator("h1")).to_have_text("You cannot sign in at the moment")
    assert_accessible(page)


def test_the_api_tokens_page_and_api_docs_work_under_the_csp(live_server, page, people):
    sign_in(page, live_server.url, "carol", PASSWORD)
    page.get_by_role("link", name="API tokens").click()
    expect(page.locator("h1")).to_have_text("API tokens")
    assert_accessible(page)
    page.get_by_label("Name").fill("Police case system")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("h1")).to_have_text("API token created")
    expect(page.locator("#api-token")).to_have_text(starting("cvn_"))
    assert_accessible(page)

    page.goto(f"{live_server.url}/api/docs")
    page.locator("#operations-children-children_search button").first.click()
    # Swagger UI expands the operation asynchronously: wait for it.
    expect(page.get_by_text("Children you may see, optionally searched")).to_be_visible()


def test_the_admin_works_under_the_csp(live_server, page, people, partnership):
    child = ChildFactory(partnership=partnership)
    sign_in(page, live_server.url, "admin", PASSWORD)
    page.get_by_role("link", name="Administration").click()
    expect(page).to_have_title(containing("Site administration"))
    page.goto(f"{live_server.url}/admin/people/child/{child.pk}/change/")
    expect(page).to_have_title(containing("Change child"))
    page.goto(f"{live_server.url}/admin/people/professional/{people['alice'].pk}/change/")
    page.locator(".select2-selection").first.click()  # the agency autocomplete
    page.wait_for_timeout(300)
