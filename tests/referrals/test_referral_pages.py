"""The intake question pages, Check your answers, the referral page and triage (through the
checked client: one h1, title from it, "Error: " with an error summary, unique ids)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from convene.clocks.models import Clock
from convene.people.factories import ChildFactory
from convene.people.models import Child
from convene.referrals.models import Referral

pytestmark = pytest.mark.django_db

ANSWERS = {
    "received": lambda now: {
        "received_date-day": str(now.day),
        "received_date-month": str(now.month),
        "received_date-year": str(now.year),
        "received_time": "00:01",
        "how_received": "phone",
    },
    "account": {"account": "Jo said her stepdad hit her with a belt."},
    "conversation": {"triage_conversation": "Spoke to Ms Evans at 09:40; Jo is in school."},
    "categories": {"categories": ["physical", "serious_physical_injury"]},
    "risk": {
        "significant_harm_suspected": "yes",
        "immediate_risk": "yes",
        "forensic_evidence_needed": "no",
    },
    "health": {"in_hospital": "no", "medical_needed": "yes"},
    "exploitation": {"exploitation_rating": "not_screened"},
    "planning": {
        "agencies_key_to_planning": "2",
        "complex_concerns": "no",
        "ongoing_risk": "no",
        "review_requested": "no",
        "new_information": "no",
    },
}


def _answer_everything(client, agencies, child):
    now = timezone.localtime()
    response = client.post("/referrals/new/")
    assert response.url == "/referrals/new/received/"
    response = client.post("/referrals/new/received/", ANSWERS["received"](now))
    assert response.url == "/referrals/new/referrer/"
    response = client.post(
        "/referrals/new/referrer/",
        {
            "referrer_agency": agencies["primary"].pk,
            "referrer_name": "Erin Evans",
            "referrer_role": "Designated safeguarding lead",
            "referrer_email": "erin@example.org",
        },
    )
    assert response.url == "/referrals/new/children/"
    client.post("/referrals/new/children/", {"action": "add", "child": child.pk})
    response = client.post("/referrals/new/children/", {"action": "continue"})
    assert response.url == "/referrals/new/account/"
    for slug in ("account", "conversation", "categories", "risk", "health", "exploitation"):
        response = client.post(f"/referrals/new/{slug}/", ANSWERS[slug])
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
    response = client.post("/referrals/new/planning/", ANSWERS["planning"])
    assert response.url == "/referrals/new/check/"


def test_R003_1_a_triage_advisor_records_a_referral_through_the_question_pages(
    client, people, agencies, partnership
):
    child = ChildFactory(partnership=partnership, first_name="Jo", last_name="Bloggs")
    client.force_login(people["tom"])
    assert client.get("/referrals/new/").status_code == 200
    for slug in ("received", "referrer", "account", "categories", "risk", "planning"):
        assert client.get(f"/referrals/new/{slug}/").status_code == 200
    _answer_everything(client, agencies, child)

    page = client.get("/referrals/new/check/")
    html = page.content.decode()
    assert "Check your answers before recording the referral" in html
    assert "Jo Bloggs" in html
    assert "stepdad hit her" in html
    assert "Serious physical injury" in html
    assert 'href="/referrals/new/account/?return=check"' in html

    response = client.post("/referrals/new/check/")
    referral = Referral.objects.get()
    assert response.url == f"/referrals/{referral.pk}/"
    assert list(referral.children.all()) == [child]
    assert referral.referrer_agency == agencies["primary"]
    assert referral.immediate_risk
    assert referral.medical_needed
    assert referral.agencies_key_to_planning == 2
    assert referral.recommended_pathway == "strategy_discussion"
    assert referral.recommended_rule_id == "england.pathway.strategy_discussion"
    # The draft is gone: nothing to check any more.
    assert "None added" in client.get("/referrals/new/check/").content.decode()


def test_change_links_return_to_check_your_answers(client, people, agencies, partnership):
    child = ChildFactory(partnership=partnership)
    client.force_login(people["tom"])
    _answer_everything(client, agencies, child)
    response = client.post(
        "/referrals/new/account/?return=check", {"account": "A different account"}
    )
    assert response.url == "/referrals/new/check/"
    assert "A different account" in client.get("/referrals/new/check/").content.decode()


def test_question_pages_show_errors_with_the_error_prefix(client, people):
    client.force_login(people["tom"])
    response = client.post(
        "/referrals/new/received/",
        {"received_date-day": "31", "received_date-month": "2", "received_date-year": "2026"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: When and how was the concern received?" in html
    assert "The date the concern was received must be a real date" in html
    assert 'href="#id_received_date"' in html
    assert "Enter the time the concern was received" in html
    assert "Select how the concern was received" in html


def test_a_concern_received_in_the_future_is_refused(client, people):
    client.force_login(people["tom"])
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = client.post(
        "/referrals/new/received/",
        {
            "received_date-day": tomorrow.day,
            "received_date-month": tomorrow.month,
            "received_date-year": tomorrow.year,
            "received_time": "09:00",
            "how_received": "email",
        },
    )
    assert "must be in the past" in response.content.decode()


def test_referrer_needs_an_organisation_and_a_way_to_contact_them(client, people):
    client.force_login(people["tom"])
    response = client.post("/referrals/new/referrer/", {"referrer_name": "A Neighbour"})
    html = response.content.decode()
    assert "Enter the referrer&#x27;s organisation, or &#x27;Member of the public&#x27;" in html
    assert "Enter the referrer&#x27;s email address or phone number" in html


def test_children_can_be_found_added_once_and_removed(client, people, partnership):
    child = ChildFactory(partnership=partnership, first_name="Zed", last_name="Quill")
    client.force_login(people["tom"])
    html = client.get("/referrals/new/children/?q=Quill").content.decode()
    assert "Zed Quill" in html
    client.post("/referrals/new/children/?q=Quill", {"action": "add", "child": child.pk})
    response = client.post("/referrals/new/children/", {"action": "add", "child": child.pk})
    assert "Zed Quill is already on this referral" in response.content.decode()
    client.post("/referrals/new/children/", {"action": "remove", "index": "0"})
    response = client.post("/referrals/new/children/", {"action": "continue"})
    assert "Add at least one child" in response.content.decode()


def test_a_child_of_another_partnership_cannot_be_added(client, people, neighbour):
    elsewhere = ChildFactory(partnership=neighbour)
    client.force_login(people["tom"])
    response = client.post("/referrals/new/children/", {"action": "add", "child": elsewhere.pk})
    assert "Child not found" in response.content.decode()


def test_an_unborn_baby_can_be_added_and_is_recorded_with_the_referral(
    client, people, agencies, partnership
):
    client.force_login(people["tom"])
    known = ChildFactory(partnership=partnership)
    _answer_everything(client, agencies, known)
    assert client.get("/referrals/new/children/add/").status_code == 200
    due = timezone.localdate() + timedelta(days=70)
    response = client.post(
        "/referrals/new/children/add/",
        {
            "expected_date_of_delivery-day": due.day,
            "expected_date_of_delivery-month": due.month,
            "expected_date_of_delivery-year": due.year,
            "last_name": "Kowalski",
            "sex": "unknown",
            "legal_status": "none",
        },
    )
    assert response.url == "/referrals/new/children/"
    assert "Unborn baby Kowalski" in client.get("/referrals/new/children/").content.decode()
    assert "Unborn baby Kowalski" in client.get("/referrals/new/check/").content.decode()
    client.post("/referrals/new/check/")
    referral = Referral.objects.get()
    assert Child.objects.count() == 2
    assert referral.explanation["facts"]["unborn"] is True
    assert referral.children.filter(last_name="Kowalski", date_of_birth__isnull=True).exists()


def test_a_new_child_needs_a_date_of_birth_or_an_expected_date(client, people):
    client.force_login(people["tom"])
    response = client.post(
        "/referrals/new/children/add/",
        {"last_name": "X", "sex": "unknown", "legal_status": "none"},
    )
    html = response.content.decode()
    assert "Enter the child&#x27;s date of birth or, for an unborn baby, the expected" in html
    response = client.post(
        "/referrals/new/children/add/",
        {
            "last_name": "X",
            "date_of_birth-day": "1",
            "date_of_birth-month": "2",
            "date_of_birth-year": "2019",
            "sex": "unknown",
            "legal_status": "none",
        },
    )
    assert "Enter the child&#x27;s first name" in response.content.decode()


def test_check_your_answers_lists_what_is_missing(client, people):
    client.force_login(people["tom"])
    response = client.post("/referrals/new/check/")
    html = response.content.decode()
    assert "<title>Error: Check your answers" in html
    assert "Answer &#x27;Who made the referral?&#x27;" in html
    assert "Add at least one child" in html
    assert Referral.objects.count() == 0


def test_R004_2_an_allegation_against_staff_asks_who_may_see_it(
    client, people, agencies, partnership
):
    child = ChildFactory(partnership=partnership)
    client.force_login(people["tom"])
    _answer_everything(client, agencies, child)
    response = client.post(
        "/referrals/new/categories/?return=check", {"categories": ["allegation_against_staff"]}
    )
    assert response.url == "/referrals/new/restricted/"
    html = client.get("/referrals/new/restricted/").content.decode()
    assert "Lee Lawson" in html
    assert "Carol Clarke" not in html
    client.post("/referrals/new/restricted/", {"named_people": [people["lee"].pk]})
    client.post("/referrals/new/check/")
    referral = Referral.objects.get()
    assert referral.restricted
    assert set(referral.named_people.all()) == {people["tom"], people["lee"]}


@pytest.mark.parametrize("who", ["ivy", "carol", "ursula"])
def test_only_social_care_staff_record_concerns(client, people, who):
    client.force_login(people[who])
    assert client.get("/referrals/new/").status_code == 403
    assert client.post("/referrals/new/check/").status_code == 403


# --- The referral and its triage --------------------------------------------------------


def test_the_referral_page_and_404_for_partners(client, people, referral_for):
    referral = referral_for()
    client.force_login(people["alice"])
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Dad did it" in html
    assert "Strategy discussion" in html
    client.force_login(people["carol"])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.get("/referrals/").status_code == 403


def test_R004_2_a_restricted_referral_is_404_to_social_care_not_named(client, people, referral_for):
    referral = referral_for(categories=["allegation_against_staff"], named=["lee"])
    client.force_login(people["bob"])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert referral.reference not in client.get("/referrals/").content.decode()
    client.force_login(people["lee"])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200


def test_the_triage_page_shows_the_pathway_the_deadline_and_why(client, people, referral_for):
    referral = referral_for(categories=["serious_physical_injury"], immediate_risk=True)
    client.force_login(people["bob"])
    html = client.get(f"/referrals/{referral.pk}/triage/").content.decode()
    assert "Recommended pathway" in html
    assert "Same day: Immediate risk of harm" in html
    # The citation, in the partnership's procedure's words, is behind "Why?" (issue 18).
    why = html[html.index("Same day: Immediate risk of harm") :]
    why = why[why.index("<details") : why.index("</details>")]
    assert "Halton local procedures: Strategy Discussions and Strategy Meetings" in why
    assert "R004.1, R004.2" in why
    assert "halton.convene.immediate_risk" in html
    assert 'name="version" value="1"' in html


def test_accepting_starts_the_clock(client, people, referral_for):
    referral = referral_for(immediate_risk=True)
    client.force_login(people["bob"])
    response = client.post(
        f"/referrals/{referral.pk}/triage/", {"pathway": "strategy_discussion", "version": "1"}
    )
    assert response.url == f"/referrals/{referral.pk}/"
    referral.refresh_from_db()
    assert referral.decision == "accepted"
    assert Clock.objects.filter(kind="convene").count() == 1
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Convene by" in html
    assert "Convene the strategy discussion" in html


def test_an_override_needs_a_reason_and_is_shown_on_the_record(client, people, referral_for):
    referral = referral_for()
    client.force_login(people["bob"])
    response = client.post(
        f"/referrals/{referral.pk}/triage/",
        {"pathway": "strategy_meeting", "version": "1"},
    )
    html = response.content.decode()
    assert "<title>Error: Triage referral" in html
    assert "Enter the reason for overriding the recommendation" in html
    client.post(
        f"/referrals/{referral.pk}/triage/",
        {
            "pathway": "strategy_meeting",
            "override_reason": "Four agencies hold information: a meeting is needed",
            "version": "1",
        },
    )
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Reason for overriding" in html
    assert "Four agencies hold information" in html


def test_a_stale_triage_form_is_refused_with_who_changed_it(client, people, referral_for):
    from convene.referrals.services import RiskFacts, referral_update_facts

    referral = referral_for()
    referral_update_facts(
        referral=referral,
        categories=["physical"],
        facts=RiskFacts(significant_harm_suspected=True, immediate_risk=True),
        by=people["dina"],
        now=timezone.now(),
        expected_version=1,
    )
    client.force_login(people["bob"])
    response = client.post(
        f"/referrals/{referral.pk}/triage/", {"pathway": "strategy_discussion", "version": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This referral was changed by Dina Desai at" in html
    assert 'name="version" value="2"' in html
    referral.refresh_from_db()
    assert referral.status == "awaiting_triage"


@pytest.mark.parametrize("who", ["tom", "alice", "ivy"])
def test_only_managers_triage(client, people, referral_for, who):
    referral = referral_for()
    client.force_login(people[who])
    assert client.get(f"/referrals/{referral.pk}/triage/").status_code == 403
    response = client.post(
        f"/referrals/{referral.pk}/triage/", {"pathway": "strategy_discussion", "version": "1"}
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.version == 1


def test_the_referrals_list_filters_by_status(client, people, referral_for, accepted_for):
    waiting = referral_for()
    decided = accepted_for()
    client.force_login(people["ivy"])  # the auditor reads everything
    html = client.get("/referrals/?status=awaiting_triage").content.decode()
    assert waiting.reference in html
    assert decided.reference not in html
    assert "Record a concern" not in html


def test_R004_6_R002_1_triage_page_keeps_the_same_day_discussion_and_advises_the_trigger_meeting(
    client, people, referral_for
):
    referral = referral_for(categories=["missing_episode"], immediate_risk=True)
    client.force_login(people["bob"])
    html = client.get(f"/referrals/{referral.pk}/triage/").content.decode()
    assert "Same day: Immediate risk of harm" in html
    assert "Also advised: Trigger meeting (missing episode)." in html
    assert "halton.advice.missing_trigger_meeting" in html
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Also advised: Trigger meeting (missing episode)." in html


def test_the_triage_page_chooses_nothing_for_the_manager(client, people, referral_for):
    """The recommendation is shown, but no pathway is pre-selected (issue 18)."""
    referral = referral_for(categories=["serious_physical_injury"], immediate_risk=True)
    client.force_login(people["bob"])
    html = client.get(f"/referrals/{referral.pk}/triage/").content.decode()
    assert "Recommended" in html
    radios = [tag for tag in html.split("<input")[1:] if 'name="pathway"' in tag.split(">")[0]]
    assert radios
    assert not any("checked" in tag.split(">")[0] for tag in radios)


def test_the_triage_page_shows_the_referrers_account_and_the_childs_history(
    client, people, partnership, referral_for
):
    """Issue 18: beside the recommendation, what the referrer said and the child's current
    legal status and latest chronology entries (an earlier referral, here)."""
    child = ChildFactory(partnership=partnership)
    earlier = referral_for(children=[child])
    referral = referral_for(children=[child])
    client.force_login(people["bob"])
    html = client.get(f"/referrals/{referral.pk}/triage/").content.decode()
    account = html[html.index("What the referrer said") :]
    assert "Dad did it" in account[: account.index("</div>")]
    assert "Rita Referrer, Class teacher" in account
    story = html[html.index("plans and history") : html.index("Recommended pathway")]
    assert earlier.reference in story
    assert child.get_legal_status_display() in story


def test_the_referrals_list_counts_no_further_than_its_cap(
    client, people, referral_for, monkeypatch
):
    """Issue 15: a partnership's whole history is tens of thousands of referrals; the list
    counts at most ``COUNT_CAP`` of them and says "more than" beyond."""
    from convene.audit.models import Action, AuditEntry
    from convene.core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    for _ in range(3):
        referral_for()
    client.force_login(people["bob"])
    html = client.get("/referrals/").content.decode()
    assert "More than 2 referrals" in html
    listed = AuditEntry.objects.filter(action=Action.SEARCH).latest("pk")
    assert listed.summary == "Listed referrals (any status), page 1: more than 2 found"
    monkeypatch.setattr(pagination, "COUNT_CAP", 1000)
    html = client.get("/referrals/").content.decode()
    assert "3 referrals" in html
    assert "More than" not in html
