"""The service navigation (issue 18): at most six sections, grouped by what people do,
built from one table (convene/navigation.py); account links apart in the header."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from convene import navigation
from convene.navigation import MAX_SECTIONS, Link, Section, navigation_for

pytestmark = pytest.mark.django_db

EXPECTED = {
    # social worker, team manager, head of service: the whole follow-through
    "alice": ["My work", "Children", "Meetings", "Follow-up", "Escalations"],
    "bob": ["My work", "Children", "Meetings", "Follow-up", "Escalations", "Reports"],
    "hana": ["My work", "Children", "Meetings", "Follow-up", "Escalations", "Reports"],
    # partners: their invitations and actions, the children they may see, escalations
    "carol": ["My work", "Children", "Escalations", "Reports"],
    "erin": ["My work", "Children", "Escalations", "Reports"],
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_sees_its_sections_in_order(people, username):
    sections = navigation_for(people[username]).sections
    assert [item.label for item in sections] == EXPECTED[username]
    assert len(sections) <= MAX_SECTIONS


def test_every_persona_has_at_most_six_sections(people):
    for person in people.values():
        assert len(navigation_for(person).sections) <= MAX_SECTIONS


def test_a_section_of_an_app_that_is_not_installed_is_skipped(people, monkeypatch):
    reports = Section("Reports", (Link("Reports", ("reports:index",)),))
    monkeypatch.setattr(navigation, "SECTIONS", (*navigation.SECTIONS[:1], reports))
    assert [item.label for item in navigation_for(people["bob"]).sections] == ["My work"]
    # ...and appears as soon as its URL name resolves.
    mine = Section("Reports", (Link("Reports", ("reports:index", "clocks:escalation-list")),))
    monkeypatch.setattr(navigation, "SECTIONS", (mine,))
    assert [(i.label, i.href) for i in navigation_for(people["bob"]).sections] == [
        ("Reports", reverse("clocks:escalation-list"))
    ]


def test_the_current_section_is_marked_and_its_links_shown(people):
    nav = navigation_for(people["bob"], "followup:s47")
    assert [item.label for item in nav.sections if item.active] == ["Follow-up"]
    assert [link.label for link in nav.section_links] == ["Actions", "S47 enquiries"]
    # A page of a discussion belongs to Meetings; "My work" is not also highlighted.
    nav = navigation_for(people["bob"], "discussions:detail")
    assert [item.label for item in nav.sections if item.active] == ["Meetings"]
    nav = navigation_for(people["bob"], "discussions:my-work")
    assert [item.label for item in nav.sections if item.active] == ["My work"]
    assert [link.active for link in nav.section_links] == [False, True, False, False]


def _service_nav(html: str) -> str:
    return html[
        html.index('aria-label="Menu"') : html.index("</nav>", html.index('aria-label="Menu"'))
    ]


def test_the_page_shows_the_sections_with_a_menu_button_and_the_account_area(client, people):
    client.force_login(people["carol"])
    html = client.get(reverse("followup:my-actions")).content.decode()
    nav = _service_nav(html)
    assert re.findall(
        r'class="govuk-service-navigation__link" href="[^"]*"[^>]*>(?:<strong[^>]*>)?([^<]+)', nav
    ) == [
        "My work",
        "Children",
        "Escalations",
        "Reports",
    ]
    assert "govuk-service-navigation__toggle" in nav  # the Menu button on a narrow screen
    account = html[html.index('aria-label="Your account"') :]
    account = account[: account.index("</nav>")]
    assert "API tokens" in account
    assert "Sign out" in account
    assert "API tokens" not in nav
    assert "Sign out" not in nav


def test_not_a_gov_uk_service(client, people, settings):
    settings.CONVENE_PARTNERSHIP_NAME = "Riverside Safeguarding Children Partnership"
    client.force_login(people["bob"])
    html = client.get(reverse("referrals:list")).content.decode()
    assert "GOV.UK" not in html.split("</title>")[0]
    assert re.search(r"<title>\s*Referrals – Convene\s*</title>", html)
    assert "govuk-logo" not in html
    assert "govuk-header__logotype" not in html
    assert "Riverside Safeguarding Children Partnership" in html
