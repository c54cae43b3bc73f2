"""The conference's outcome for the child, in the browser (issue 13: Ofsted's Annex A, List 5
asks "Did the ICPC result in a CP plan?").

A child's S47 enquiry found a risk of significant harm; the Head of Service confirmed the
initial child protection conference and Alice dated it for this morning (set up through the
services: the persona journey types those parts). This afternoon Alice opens the conference,
records it as held (the date and time filled in from the one set), follows "Record the
outcome", saves without answering (an error summary and the question's own error say what
is missing), then answers Yes. The conference page shows the child on a plan and offers to
change it. Every page is scanned with axe at 1280 px and 320 px (``see``).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from convene.followup.conferences import services
from convene.followup.models import Icpc
from tests.e2e.steps import click, see, start
from tests.followup.conftest import enquiry, london, outcome, s47_decision, visit  # noqa: F401
from tests.records.conftest import make_record  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HELD = london(2026, 3, 25, 13, 0)  # the strategy discussion that decided the S47
CONFERENCE = london(2026, 4, 14, 10, 0)  # a Tuesday, within 15 working days
AFTERNOON = london(2026, 4, 14, 15, 0)


def _dated_conference(enquiry, people) -> Icpc:  # noqa: F811 - the fixture, passed in
    started = enquiry(held_at=HELD, legal_status="child_in_need")
    visited = visit(started, people, at=HELD + timedelta(hours=2))
    done = outcome(visited, people, "significant_harm", now=HELD + timedelta(days=5))
    assert done.icpc is not None
    now = HELD + timedelta(days=6)
    icpc = services.icpc_confirm(icpc=done.icpc, by=people["hana"], now=now)
    return services.icpc_set_date(
        icpc=icpc, conference_at=CONFERENCE, venue="Riverside House", by=people["alice"], now=now
    )


def test_alice_records_the_conference_held_and_its_outcome(
    live_server,
    page,
    people,
    enquiry,  # noqa: F811
    tmp_path,
):
    page.set_default_timeout(10_000)
    try:
        with time_machine.travel(AFTERNOON, tick=True):
            icpc = _dated_conference(enquiry, people)
            (child_enquiry,) = icpc.enquiries.select_related("child")
            name = child_enquiry.child.full_name
            heading = f"Initial child protection conference {icpc.reference}"
            start(page, live_server.url, "alice")
            page.goto(f"{live_server.url}/icpc/{icpc.pk}/")
            see(page, heading)

            click(page, "Record as held")
            see(page, "Record the conference as held")
            click(page, "Save", role="button")
            see(page, heading)
            expect(page.locator("main")).to_contain_text(f"{name}: not recorded")

            click(page, "Record the outcome")
            see(page, "Record the outcome of the conference")
            click(page, "Save the outcome", role="button")
            expect(page).to_have_title(re.compile("^Error: Record the outcome"))
            missing = f"Select whether {name} is on a child protection plan"
            expect(page.get_by_role("alert")).to_contain_text(missing)
            see(page, "Record the outcome of the conference")

            page.get_by_role(
                "group", name=f"Is {name} now on a child protection plan?"
            ).get_by_label("Yes").check()
            click(page, "Save the outcome", role="button")
            see(page, heading)
            main = page.locator("main")
            expect(main).to_contain_text("Outcome of the conference saved")
            expect(main).to_contain_text(f"{name}: child protection plan")
            expect(main.get_by_role("link", name="Change the outcome")).to_be_visible()
    except Exception:
        # What the page showed when the journey broke, for whoever reads the failure.
        (tmp_path / "failed.html").write_text(page.content())
        raise
    child_enquiry.refresh_from_db()
    icpc.refresh_from_db()
    assert (icpc.state, child_enquiry.cp_plan) == ("held", True)
