import pytest
from playwright.sync_api import expect

from convene.people.factories import ChildFactory
from tests.e2e.conftest import assert_accessible, sign_in, starting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_social_worker_signs_in_finds_a_child_and_opens_the_record(
    live_server, page, people, partnership
):
    ChildFactory(
        partnership=partnership, first_name="Ann", last_name="Smith", nhs_number="9990000018"
    )
    ChildFactory.create_batch(3, partnership=partnership)

    sign_in(page, live_server.url, "alice", "correct horse battery staple")

    expect(page.locator("h1")).to_have_text("Children")
    expect(page).to_have_title(starting("Children"))
    assert_accessible(page)
    # GOV.UK Frontend's JavaScript loaded from our own static files
    assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")

    page.get_by_label("Search by name, date of birth, NHS number or reference").fill("999 000 0018")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Ann Smith").click()

    expect(page.locator("h1")).to_have_text("Ann Smith")
    expect(page.get_by_text("999 000 0018")).to_be_visible()
    assert_accessible(page)


def test_wrong_password_error_page_is_accessible(live_server, page, people):
    sign_in(page, live_server.url, "alice", "not the password")
    expect(page).to_have_title(starting("Error: Sign in"))
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
