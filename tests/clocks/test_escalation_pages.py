"""The escalation pages: list, one escalation, raise one. Each with its negative tests."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from convene.clocks.escalations import escalation_raise
from convene.clocks.models import Escalation
from convene.clocks.sweep import sweep_run
from convene.workdays import LONDON, end_of_day
from tests.clocks.helpers import make_clock

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def automatic(partnership, people):
    make_clock(
        partnership,
        started_at=datetime(2026, 11, 30, 9, tzinfo=LONDON),
        due_at=end_of_day(date(2026, 12, 2)),
    )
    sweep_run(now=NOW, send=False)
    return Escalation.objects.filter(direction="automatic").order_by("level")


@pytest.fixture
def from_police(partnership, people):
    return escalation_raise(
        by=people["carol"],
        partnership=partnership,
        direction=Escalation.Direction.PARTNER_TO_SOCIAL_CARE,
        what_is_late="Discussion not convened",
        details="Requested three days ago",
        now=NOW - timedelta(hours=1),
    )


def signed_in(client, person):
    client.force_login(person)
    return client


def test_the_pages_need_sign_in(client):
    for url in ("/escalations/", "/escalations/raise/", "/escalations/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


def test_a_manager_sees_every_open_escalation_of_the_partnership(
    client, people, automatic, from_police, django_assert_max_num_queries
):
    signed_in(client, people["bob"])
    # 14 for the page (its partnerships, the newest escalations' keys, one need-to-know query
    # per kind of subject among them, the content types once, the page's rows), and a fixed
    # few for its one audit entry (the chain lock on PostgreSQL).
    with django_assert_max_num_queries(19):
        response = client.get("/escalations/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Open: 3 escalations" in page
    assert "Discussion not convened" in page
    assert "Strategy discussion or meeting held" in page
    assert "Raise an escalation" in page


def test_the_list_filters_by_state(client, people, from_police):
    from_police.state = "acknowledged"
    from_police.acknowledged_at = NOW
    from_police.acknowledged_by = people["bob"]
    from_police.save()
    signed_in(client, people["bob"])
    assert "Raised: 0 escalations" not in client.get("/escalations/?state=raised").content.decode()
    assert (
        "There are no raised escalations"
        in client.get("/escalations/?state=raised").content.decode()
    )
    assert (
        "Acknowledged: 1 escalation"
        in client.get("/escalations/?state=acknowledged").content.decode()
    )
    assert "There are no resolved" in client.get("/escalations/?state=resolved").content.decode()
    # An unknown filter shows the open ones.
    assert "Open: 1 escalation" in client.get("/escalations/?state=nonsense").content.decode()


def test_a_partner_sees_only_what_it_raised_or_what_names_it(
    client, people, automatic, from_police
):
    signed_in(client, people["carol"])
    page = client.get("/escalations/?state=all").content.decode()
    assert "Discussion not convened" in page
    assert "Strategy discussion or meeting held" not in page
    assert client.get(f"/escalations/{automatic[0].pk}/").status_code == 404
    signed_in(client, people["dev"])
    assert "There are no" in client.get("/escalations/?state=all").content.decode()
    assert client.get(f"/escalations/{from_police.pk}/").status_code == 404


def test_another_partnership_sees_nothing(client, people, from_police):
    signed_in(client, people["nick"])
    assert client.get(f"/escalations/{from_police.pk}/").status_code == 404


def test_the_escalation_page_shows_what_why_and_who(client, people, automatic):
    signed_in(client, people["bob"])
    level_one = automatic[0]
    page = client.get(f"/escalations/{level_one.pk}/").content.decode()
    assert f"Escalation {level_one.pk}" in page
    assert "Overdue by" in page
    assert "Team manager" in page
    assert "Bob Bennett" in page
    # Halton's first level also names the invited agencies, which nobody resolves yet.
    assert "could not tell who these are" in page
    assert "The agencies invited to the discussion" in page
    assert "Acknowledge" in page
    assert "Resolve the escalation" in page


def test_acknowledge_then_resolve_through_the_pages(client, people, from_police):
    signed_in(client, people["bob"])
    response = client.post(f"/escalations/{from_police.pk}/acknowledge/")
    assert response.status_code == 302
    from_police.refresh_from_db()
    assert from_police.state == "acknowledged"
    page = client.get(response["Location"]).content.decode()
    assert "Escalation acknowledged" in page
    response = client.post(
        f"/escalations/{from_police.pk}/resolve/", {"outcome": "Held with police at 14:00"}
    )
    assert response.status_code == 302
    from_police.refresh_from_db()
    assert (from_police.state, from_police.outcome) == ("resolved", "Held with police at 14:00")
    page = client.get(f"/escalations/{from_police.pk}/").content.decode()
    assert "Held with police at 14:00" in page
    assert "Resolve the escalation" not in page


def test_resolving_with_no_outcome_shows_the_error_and_changes_nothing(client, people, from_police):
    signed_in(client, people["bob"])
    response = client.post(f"/escalations/{from_police.pk}/resolve/", {"outcome": "   "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Escalation" in page
    assert "There is a problem" in page
    assert page.count("Enter the outcome of the escalation") == 2  # summary and field
    assert 'href="#id_outcome"' in page
    from_police.refresh_from_db()
    assert from_police.state == "raised"


def test_acknowledging_twice_says_so(client, people, from_police):
    signed_in(client, people["bob"])
    client.post(f"/escalations/{from_police.pk}/acknowledge/")
    response = client.post(f"/escalations/{from_police.pk}/acknowledge/", follow=True)
    assert "already been acknowledged" in response.content.decode()


@pytest.mark.parametrize("username", ["alice", "carol"])
def test_those_not_addressed_may_not_act(client, people, from_police, username):
    signed_in(client, people[username])
    assert client.get(f"/escalations/{from_police.pk}/").status_code == 200
    assert (
        "Resolve the escalation"
        not in client.get(f"/escalations/{from_police.pk}/").content.decode()
    )
    assert client.post(f"/escalations/{from_police.pk}/acknowledge/").status_code == 403
    assert (
        client.post(f"/escalations/{from_police.pk}/resolve/", {"outcome": "x"}).status_code == 403
    )
    from_police.refresh_from_db()
    assert from_police.state == "raised"


def test_acting_needs_post(client, people, from_police):
    signed_in(client, people["bob"])
    assert client.get(f"/escalations/{from_police.pk}/acknowledge/").status_code == 405
    assert client.get(f"/escalations/{from_police.pk}/resolve/").status_code == 405
    assert client.post(f"/escalations/{from_police.pk}/").status_code == 405


def test_a_partner_raises_an_escalation_to_social_care(client, people, agencies):
    signed_in(client, people["carol"])
    page = client.get("/escalations/raise/").content.decode()
    assert "The team managers are told at once" in page
    # The police serve two partnerships: they choose which.
    assert "Northvale Safeguarding Children Partnership" in page
    assert 'id="id_agency"' not in page
    riverside = agencies["csc"].partnerships.get()
    response = client.post(
        "/escalations/raise/",
        {
            "partnership": riverside.pk,
            "what_is_late": "Strategy discussion not held",
            "details": "Requested on Monday",
        },
    )
    assert response.status_code == 302
    escalation = Escalation.objects.get()
    assert response["Location"] == f"/escalations/{escalation.pk}/"
    assert escalation.direction == "partner_to_social_care"
    assert escalation.raised_by == people["carol"]


def test_raising_with_nothing_filled_in_lists_every_problem(client, people):
    signed_in(client, people["carol"])
    response = client.post("/escalations/raise/", {})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Raise an escalation" in page
    for message in (
        "Select the partnership",
        "Enter what is late or has not been done",
        "Enter why you are escalating",
    ):
        assert page.count(message) == 2, message
    assert not Escalation.objects.exists()


def test_social_care_raises_an_escalation_to_a_partner(client, people, agencies):
    signed_in(client, people["bob"])
    page = client.get("/escalations/raise/").content.decode()
    assert 'id="id_agency"' in page
    assert agencies["community"].name in page
    assert agencies["northvale_csc"].name not in page
    response = client.post(
        "/escalations/raise/",
        {
            "partnership": agencies["csc"].partnerships.get().pk,
            "what_is_late": "Chronology not shared",
            "details": "Due yesterday",
        },
    )
    assert response.status_code == 200
    assert response.content.decode().count("Select the agency you are escalating to") == 2
    response = client.post(
        "/escalations/raise/",
        {
            "partnership": agencies["csc"].partnerships.get().pk,
            "agency": agencies["community"].pk,
            "what_is_late": "Chronology not shared",
            "details": "Due yesterday",
        },
    )
    assert response.status_code == 302
    assert Escalation.objects.get().addressed_agencies.get() == agencies["community"]


def test_raising_about_a_timescale(client, people, partnership):
    clock = make_clock(
        partnership, started_at=NOW - timedelta(days=4), due_at=NOW - timedelta(days=1)
    )
    signed_in(client, people["bob"])
    page = client.get(f"/escalations/raise/?clock={clock.pk}").content.decode()
    assert "About the timescale due" in page
    assert f'name="clock" value="{clock.pk}"' in page
    # Partners cannot attach a clock they cannot see; nonsense is refused.
    assert client.get("/escalations/raise/?clock=abc").status_code == 403
    signed_in(client, people["carol"])
    assert client.get(f"/escalations/raise/?clock={clock.pk}").status_code == 403


def test_someone_of_no_agency_cannot_raise(client, people):
    lonely = people["ursula"]
    lonely.agency = None
    lonely.save()
    signed_in(client, lonely)
    assert client.get("/escalations/raise/").status_code == 403
    assert client.post("/escalations/raise/", {}).status_code == 403
    assert "There are no" in client.get("/escalations/").content.decode()


def test_the_navigation_links_to_escalations_and_notifications(client, people, automatic):
    signed_in(client, people["bob"])
    page = client.get("/").content.decode()
    assert 'href="/escalations/"' in page
    assert 'href="/notifications/"' in page
    assert "unread" in page  # bob has notices of the escalation and the overdue clock
    assert 'href="/deliveries/failed/"' not in page


def test_every_refusal_of_the_service_is_listed_on_its_field(client, people, monkeypatch):
    """R004.8: the page shows all that ``escalation_raise_problems`` found, not the first."""
    from convene.clocks import views
    from convene.clocks.escalations import EscalationError

    def refuse(**_kwargs):
        raise EscalationError.every(
            [
                EscalationError("You cannot raise an escalation for this partnership"),
                EscalationError("You cannot escalate this timescale", field="clock"),
                EscalationError("Enter what is late or has not been done", field="what_is_late"),
            ]
        )

    monkeypatch.setattr(views, "escalation_raise", refuse)
    signed_in(client, people["carol"])
    riverside = people["carol"].agency.partnerships.order_by("pk").first()
    page = client.post(
        "/escalations/raise/",
        {"partnership": riverside.pk, "what_is_late": "Visit", "details": "Late"},
    ).content.decode()
    start = page.index("govuk-error-summary")
    summary = page[start : page.index("</ul>", start)]
    assert summary.count("<li>") == 3
    assert 'href="#id_what_is_late"' in summary
    assert not Escalation.objects.exists()
