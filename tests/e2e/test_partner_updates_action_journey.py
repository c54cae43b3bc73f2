"""A partner (police) opens My actions, sees the overdue action, and updates it to done."""

import pytest
from playwright.sync_api import expect

from convene.records.models import Action
from tests.e2e.conftest import assert_accessible, sign_in, starting
from tests.followup.conftest import s47_decision  # noqa: F401 - fixture
from tests.records.conftest import make_record  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_carol_updates_her_agencys_action_to_done(
    live_server,
    page,
    people,
    agencies,
    s47_decision,  # noqa: F811
):
    version = s47_decision(action_owner=("agency", agencies["police"].pk))
    action = Action.objects.get(record=version.record, kind="agreed")

    sign_in(page, live_server.url, "carol", "correct horse battery staple")
    assert_accessible(page)

    # "My work" in the service navigation, then "My actions" among its links.
    page.get_by_role("link", name="My work").click()
    page.get_by_role("link", name="My actions").click()
    expect(page.locator("h1")).to_have_text("My actions")
    expect(page).to_have_title(starting("My actions"))
    row = page.get_by_role("row").filter(has_text="Visit and see the child alone")
    expect(row.get_by_text("Overdue")).to_be_visible()  # due on 5 March 2026, long past
    assert_accessible(page)

    row.get_by_role("link", name="Visit and see the child alone").click()
    expect(page.locator("h1")).to_have_text(starting("Action:"))
    assert_accessible(page)

    # A note is required: the error summary and the inline message say so.
    page.get_by_label("Done").check()
    page.get_by_role("button", name="Save the update").click()
    expect(page).to_have_title(starting("Error: Action:"))
    expect(page.get_by_role("alert").get_by_text("Enter what was done")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Done").check()
    page.get_by_label("Update").fill("Joint visit made with the social worker; child seen alone.")
    page.get_by_role("button", name="Save the update").click()
    expect(page.locator("h1")).to_have_text("My actions")
    expect(page.get_by_text("Action marked as done")).to_be_visible()
    expect(page.get_by_text("You have no open actions.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Show done actions too").click()
    expect(
        page.get_by_role("row")
        .filter(has_text="Visit and see the child alone")
        .get_by_text("Met late")
    ).to_be_visible()
    assert_accessible(page)

    action.refresh_from_db()
    assert action.status == "done"
    assert action.updates.get().by == people["carol"]
