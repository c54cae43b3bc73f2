"""S47 and ICPC pages: each works for social care, refuses the wrong person, shows errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from convene.followup.models import CoreGroupReview, Icpc, S47Enquiry
from convene.workdays import LONDON
from tests.followup.conftest import outcome

pytestmark = pytest.mark.django_db


def _login(client, person):
    client.force_login(person)
    return client


def test_the_authorised_decision_is_already_an_enquiry_on_the_list(client, s47_decision, people):
    """Issue 18: no manual start: the list shows the enquiry the authorisation started, and
    its page offers the visit."""
    version = s47_decision()
    enquiry = S47Enquiry.objects.get(record_version=version)
    _login(client, people["alice"])
    page = client.get(reverse("followup:s47-list")).content.decode()
    assert "S47 decisions with no enquiry started" not in page
    assert "Start the enquiry" not in page
    assert reverse("followup:s47", args=[enquiry.pk]) in page
    page = client.get(reverse("followup:s47", args=[enquiry.pk])).content.decode()
    assert "Record the visit" in page


def test_other_partnerships_do_not_see_the_started_enquiry(client, s47_decision, people):
    enquiry = S47Enquiry.objects.get(record_version=s47_decision())
    _login(client, people["nick"])
    assert reverse("followup:s47", args=[enquiry.pk]) not in (
        client.get(reverse("followup:s47-list")).content.decode()
    )
    assert client.get(reverse("followup:s47", args=[enquiry.pk])).status_code == 404


def test_visit_page_records_the_visit_and_shows_errors(client, enquiry, people):
    started = enquiry()
    url = reverse("followup:s47-visit", args=[started.pk])
    _login(client, people["alice"])
    held = started.record_version.record.held_at.astimezone(LONDON)
    at = held + timedelta(hours=2)
    with time_machine.travel(at + timedelta(hours=1), tick=False):
        page = client.post(
            url,
            {
                "version": started.version,
                "visited_on-day": at.day,
                "visited_on-month": at.month,
                "visited_on-year": at.year,
                "visited_time": f"{at:%H:%M}",
                "visitors": [people["alice"].pk],
                "seen_alone": "no",
            },
        )
        assert page.status_code == 200
        assert page.content.decode().count("Say why the child was not seen alone") == 2
        done = client.post(
            url,
            {
                "version": started.version,
                "visited_on-day": at.day,
                "visited_on-month": at.month,
                "visited_on-year": at.year,
                "visited_time": f"{at:%H:%M}",
                "visitors": [people["alice"].pk, people["carol"].pk],
                "seen_alone": "yes",
            },
        )
        assert done.status_code == 302
        page = client.get(reverse("followup:s47", args=[started.pk])).content.decode()
    started.refresh_from_db()
    assert started.state == "visited"
    assert "Met" in page


def test_visit_page_is_for_social_care_only(client, enquiry, people):
    started = enquiry()
    url = reverse("followup:s47-visit", args=[started.pk])
    assert _login(client, people["carol"]).get(url).status_code == 403
    assert _login(client, people["ivy"]).get(url).status_code == 403
    assert _login(client, people["nick"]).get(url).status_code == 404
    assert _login(client, people["alice"]).get(url).status_code == 200


def test_outcome_page_names_the_route_and_records_referral_on(client, enquiry, people):
    started = enquiry(visited=True, legal_status="child_protection_plan")
    url = reverse("followup:s47-outcome", args=[started.pk])
    _login(client, people["alice"])
    page = client.get(url).content.decode()
    assert "core group review" in page
    refused = client.post(
        url, {"version": started.version, "outcome": "referral_to_other_service", "reasons": "x"}
    )
    assert "Enter the service the family is referred to" in refused.content.decode()
    done = client.post(
        url,
        {
            "version": started.version,
            "outcome": "referral_to_other_service",
            "other_service": "Young carers service",
            "reasons": "Support needs, no continuing risk",
        },
    )
    assert done.status_code == 302
    started.refresh_from_db()
    assert started.other_service == "Young carers service"


def test_core_group_oversight_and_close_pages(client, enquiry, people):
    done = outcome(
        enquiry(visited=True, legal_status="child_protection_plan"), people, "significant_harm"
    )
    _login(client, people["alice"])
    day = done.outcome_at.astimezone(LONDON).date()
    with time_machine.travel(done.outcome_at + timedelta(hours=1), tick=False):
        assert client.get(reverse("followup:oversight", args=[done.pk])).status_code == 403
        page = client.post(
            reverse("followup:core-group", args=[done.pk]),
            {"held_on-day": day.day, "held_on-month": day.month, "held_on-year": day.year},
        )
        assert "Enter the core group" in page.content.decode()
        client.post(
            reverse("followup:core-group", args=[done.pk]),
            {
                "held_on-day": day.day,
                "held_on-month": day.month,
                "held_on-year": day.year,
                "risk_considered": "Continuing",
                "plan_changes": "Updated",
            },
        )
        _login(client, people["bob"])
        refused = client.post(reverse("followup:s47-close", args=[done.pk]), {})

        assert "management oversight" in refused.content.decode()
        client.post(reverse("followup:oversight", args=[done.pk]), {"note": "Agreed"})
        closed = client.post(reverse("followup:s47-close", args=[done.pk]), {"note": ""})
        assert closed.status_code == 302
        assert "Closed by Bob Bennett" in client.get(closed.url).content.decode()


def test_oversight_acts_on_the_recorded_core_group_review(client, enquiry, people):
    """The oversight page is the core group review's: a 404 until it is recorded, then it
    quotes the review, and the manager's note is saved on it with the page's message."""
    done = outcome(
        enquiry(visited=True, legal_status="child_protection_plan"), people, "significant_harm"
    )
    url = reverse("followup:oversight", args=[done.pk])
    day = done.outcome_at.astimezone(LONDON).date()
    with time_machine.travel(done.outcome_at + timedelta(hours=1), tick=False):
        assert _login(client, people["bob"]).get(url).status_code == 404
        _login(client, people["alice"]).post(
            reverse("followup:core-group", args=[done.pk]),
            {
                "held_on-day": day.day,
                "held_on-month": day.month,
                "held_on-year": day.year,
                "risk_considered": "Continuing neglect",
                "plan_changes": "Weekly visits",
            },
        )
        page = _login(client, people["bob"]).get(url).content.decode()
        assert "Ongoing risk: Continuing neglect" in page
        assert "Plan updated: Weekly visits" in page
        saved = client.post(url, {"note": "Agreed"}, follow=True)
    assert saved.redirect_chain == [(reverse("followup:s47", args=[done.pk]), 302)]
    assert "Management oversight recorded" in saved.content.decode()
    review = CoreGroupReview.objects.get(enquiry=done)
    assert (review.oversight_note, review.oversight_by) == ("Agreed", people["bob"])


def test_care_plan_and_hrpm_decision_pages(client, enquiry, people):
    done = outcome(
        enquiry(visited=True, legal_status="child_in_care", pack="gloucestershire"),
        people,
        "significant_harm",
    )
    day = done.outcome_at.astimezone(LONDON).date()
    _login(client, people["alice"])
    with time_machine.travel(done.outcome_at + timedelta(hours=1), tick=False):
        refused = client.post(
            reverse("followup:care-plan", args=[done.pk]),
            {
                "reviewed_on-day": day.day,
                "reviewed_on-month": day.month,
                "reviewed_on-year": day.year,
                "plan_changes": "More support",
                "risk_assessment": "CCE",
            },
        )
        assert "young person&#x27;s own view" in refused.content.decode()
        client.post(
            reverse("followup:care-plan", args=[done.pk]),
            {
                "reviewed_on-day": day.day,
                "reviewed_on-month": day.month,
                "reviewed_on-year": day.year,
                "plan_changes": "More support",
                "risk_assessment": "CCE",
                "young_persons_view": "I can handle it",
            },
        )
        assert client.get(reverse("followup:hrpm-decision", args=[done.pk])).status_code == 403
        _login(client, people["bob"])
        decided = client.post(
            reverse("followup:hrpm-decision", args=[done.pk]),
            {"needed": "yes", "reasons": "Exploitation continues"},
        )
        assert decided.status_code == 302
        assert "open the HRPM" in client.get(decided.url).content.decode()


def test_icpc_pages_confirm_by_head_of_service_date_and_held(client, enquiry, people):
    done = outcome(enquiry(visited=True), people, "significant_harm")
    icpc = Icpc.objects.get()
    now = done.outcome_at + timedelta(hours=1)
    with time_machine.travel(now, tick=False):
        _login(client, people["bob"])
        assert client.get(reverse("followup:icpc", args=[icpc.pk])).status_code == 200
        assert client.get(reverse("followup:icpc-confirm", args=[icpc.pk])).status_code == 403
        _login(client, people["hana"])
        confirmed = client.post(
            reverse("followup:icpc-confirm", args=[icpc.pk]), {"version": icpc.version}
        )
        assert confirmed.status_code == 302
        icpc.refresh_from_db()
        _login(client, people["alice"])
        # Friday: a conference is never on a weekend (the census's 8875).
        day = (now + timedelta(days=1)).astimezone(LONDON)
        missing = client.post(
            reverse("followup:icpc-date", args=[icpc.pk]),
            {
                "version": icpc.version,
                "conference_on-day": day.day,
                "conference_on-month": day.month,
                "conference_on-year": day.year,
                "conference_time": "10:00",
            },
        )
        assert "Enter where the conference will be held" in missing.content.decode()
        client.post(
            reverse("followup:icpc-date", args=[icpc.pk]),
            {
                "version": icpc.version,
                "conference_on-day": day.day,
                "conference_on-month": day.month,
                "conference_on-year": day.year,
                "conference_time": "10:00",
                "venue": "Riverside House",
            },
        )
        icpc.refresh_from_db()
        assert icpc.state == "date_set"
    with time_machine.travel(icpc.conference_at + timedelta(hours=2), tick=False):
        _login(client, people["alice"])
        held = client.post(
            reverse("followup:icpc-held", args=[icpc.pk]),
            {
                "version": icpc.version,
                "held_on-day": day.day,
                "held_on-month": day.month,
                "held_on-year": day.year,
                "held_time": "10:00",
            },
        )
        assert held.status_code == 302
        page = client.get(reverse("followup:icpc", args=[icpc.pk])).content.decode()
    assert "Record as held" not in page
    assert "Met" in page


def test_other_partnership_cannot_see_an_enquiry_or_icpc(client, enquiry, people):
    done = outcome(enquiry(visited=True), people, "significant_harm")
    _login(client, people["nick"])
    assert client.get(reverse("followup:s47", args=[done.pk])).status_code == 404
    assert client.get(reverse("followup:icpc", args=[done.icpc_id])).status_code == 404
    _login(client, people["ursula"])
    assert client.get(reverse("followup:s47", args=[done.pk])).status_code == 404


def test_auditor_reads_but_cannot_act(client, enquiry, people):
    started = enquiry(visited=True)
    _login(client, people["ivy"])
    page = client.get(reverse("followup:s47", args=[started.pk])).content.decode()
    assert "Record the outcome" not in page
    assert client.get(reverse("followup:s47-outcome", args=[started.pk])).status_code == 403


def test_an_hrpm_is_started_by_a_link_from_the_outcome_and_the_childs_page(client, enquiry, people):
    """Issue 18, R000.3: no typed URL: social care follows a link to start an HRPM from the
    S47 outcome and from the child's page; those who may not start one see no link."""
    done = outcome(enquiry(visited=True, legal_status="child_in_care"), people, "no_further_action")
    start = reverse("followup:hrpm-new", args=[done.child_id])
    _login(client, people["alice"])
    assert start in client.get(reverse("followup:s47", args=[done.pk])).content.decode()
    assert (
        start in client.get(reverse("people:child-detail", args=[done.child_id])).content.decode()
    )
    assert client.get(start).status_code == 200
    for who in ("ivy", "carol"):  # the auditor reads; the police officer was invited
        _login(client, people[who])
        page = client.get(reverse("followup:s47", args=[done.pk]))
        assert page.status_code == 200
        assert start not in page.content.decode()
        child_page = client.get(reverse("people:child-detail", args=[done.child_id]))
        assert start not in child_page.content.decode()


def test_no_hrpm_is_offered_for_a_child_not_in_care(client, enquiry, people):
    """An HRPM is only for a child in care (it would be refused): no link to a dead end."""
    done = outcome(enquiry(visited=True), people, "no_further_action")
    start = reverse("followup:hrpm-new", args=[done.child_id])
    _login(client, people["alice"])
    s47_page = client.get(reverse("followup:s47", args=[done.pk])).content.decode()
    assert "Record the outcome" not in s47_page  # the outcome is recorded: the link's place
    assert start not in s47_page
    assert (
        start
        not in client.get(reverse("people:child-detail", args=[done.child_id])).content.decode()
    )


def test_no_hrpm_is_offered_while_the_child_has_an_active_one(client, enquiry, people):
    """``hrpm_create`` refuses a second active HRPM for a child: the S47 outcome and the
    child's page offer none while one is active, and offer it again once it has ended."""
    from convene.followup.hrpm import services

    done = outcome(enquiry(visited=True, legal_status="child_in_care"), people, "no_further_action")
    start = reverse("followup:hrpm-new", args=[done.child_id])
    pages = (
        reverse("followup:s47", args=[done.pk]),
        reverse("people:child-detail", args=[done.child_id]),
    )
    _login(client, people["alice"])

    def offered() -> list[bool]:
        return [start in client.get(page).content.decode() for page in pages]

    assert offered() == [True, True]
    now = done.outcome_at + timedelta(hours=1)
    hrpm = services.hrpm_create(
        child=done.child,
        risk_assessment="Criminal exploitation",
        young_persons_view="They are my friends",
        by=people["alice"],
        now=now,
    )
    assert offered() == [False, False]
    services.hrpm_end(
        hrpm=hrpm, reason="Risk managed in the care plan", by=people["alice"], now=now
    )
    assert offered() == [True, True]


def test_the_enquiry_page_words_the_route_and_the_legal_status_in_a_sentence(
    client, enquiry, people
):
    """What follows keeps a High Risk Planning Meeting's capitals mid-sentence, and the
    route's reason names the child's legal status, not "the child was child in care"."""
    in_care = enquiry(visited=True, legal_status="child_in_care", pack="gloucestershire")
    _login(client, people["alice"])
    page = client.get(reverse("followup:s47", args=[in_care.pk])).content.decode()
    assert "what follows is: care plan review and a decision whether a High Risk Planning" in page
    done = outcome(
        enquiry(visited=True, legal_status="child_protection_plan"), people, "significant_harm"
    )
    page = client.get(reverse("followup:s47", args=[done.pk])).content.decode()
    assert "as the child's legal status was child protection plan" in page
    assert "as the child was" not in page
