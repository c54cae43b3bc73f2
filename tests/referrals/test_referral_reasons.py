"""Reasons the pack asks before the pathway is decided: R000.1 and R004.7 (issue 11, point 8)."""

from __future__ import annotations

from datetime import date

import pytest
from ninja.testing import TestClient

from convene.clocks.models import Clock
from convene.core.errors import Invalid
from convene.people.factories import ChildFactory
from convene.referrals.api import router
from convene.referrals.models import Referral, TriageReason
from convene.referrals.services import referral_accept, referral_override

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def api():
    return TestClient(router)


SCREENING = "halton.reason.exploitation_not_screened"
ADULT = "england.reason.aged_18_or_over"


@pytest.mark.parametrize("category", ["cse", "cce"])
def test_R004_7_halton_exploitation_not_screened_cannot_be_triaged_without_a_reason(
    referral_for, people, category
):
    referral = referral_for(categories=[category])
    for decide in (
        lambda **kw: referral_accept(**kw),
        lambda **kw: referral_override(pathway="strategy_meeting", reason="Four agencies", **kw),
    ):
        with pytest.raises(Invalid) as refused:
            decide(
                referral=referral, by=people["bob"], now=referral.received_at, expected_version=1
            )
        assert refused.value.field == f"reason-{SCREENING}"
        assert "exploitation screening not been completed" in refused.value.message
    referral.refresh_from_db()
    assert referral.status == Referral.Status.AWAITING_TRIAGE
    assert Clock.objects.get(kind="triage").state == "pending"
    assert not TriageReason.objects.exists()

    reason = "Young person refused to engage today; screening booked with the CE team"
    referral = referral_accept(
        referral=referral,
        by=people["bob"],
        now=referral.received_at,
        expected_version=1,
        reasons={SCREENING: reason},
    )
    assert referral.status == Referral.Status.TRIAGED
    [kept] = TriageReason.objects.filter(referral=referral)
    assert (kept.rule_id, kept.reason, kept.recorded_by) == (SCREENING, reason, people["bob"])


def test_R004_7_a_screened_concern_or_another_partnership_needs_no_reason(
    referral_for, people, partnership
):
    rated = referral_for(categories=["cse"], exploitation_rating="medium")
    referral_accept(referral=rated, by=people["bob"], now=rated.received_at, expected_version=1)
    partnership.policy_id = "england"
    partnership.save()
    elsewhere = referral_for(categories=["cse"])
    referral_accept(
        referral=elsewhere, by=people["bob"], now=elsewhere.received_at, expected_version=1
    )
    assert not TriageReason.objects.exists()


def test_R000_1_someone_18_or_older_needs_a_reason_before_going_on(
    referral_for, people, partnership, agencies
):
    adult = ChildFactory(
        partnership=partnership, date_of_birth=date(2007, 3, 1), setting=agencies["primary"]
    )  # 19 on the day received (4 March 2026)
    referral = referral_for(children=[adult])
    assert referral.explanation["facts"]["aged_18_or_over"] is True
    [asked] = referral.explanation["reasons_asked"]
    assert asked["rule_id"] == ADULT
    with pytest.raises(Invalid) as refused:
        referral_accept(
            referral=referral, by=people["bob"], now=referral.received_at, expected_version=1
        )
    assert refused.value.field == f"reason-{ADULT}"
    assert "18 or older" in refused.value.message
    referral_accept(
        referral=referral,
        by=people["bob"],
        now=referral.received_at,
        expected_version=1,
        reasons={ADULT: "Care leaver with learning disability; adult services are joining"},
    )
    assert TriageReason.objects.get(referral=referral).rule_id == ADULT


def test_R000_1_a_child_of_17_is_not_asked(referral_for, partnership, agencies):
    child = ChildFactory(
        partnership=partnership, date_of_birth=date(2008, 3, 5), setting=agencies["primary"]
    )  # 17 on 4 March 2026, 18 the next day
    referral = referral_for(children=[child])
    assert referral.explanation["reasons_asked"] == []


def test_R004_7_the_triage_page_asks_for_the_reason(client, people, referral_for):
    referral = referral_for(categories=["cce"])
    client.force_login(people["bob"])
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Before the pathway is decided: Why has the exploitation screening" in html
    url = f"/referrals/{referral.pk}/triage/"
    html = client.get(url).content.decode()
    assert f'name="reason-{SCREENING}"' in html
    response = client.post(url, {"pathway": "strategy_discussion", "version": "1"})
    html = response.content.decode()
    assert "<title>Error: Triage referral" in html
    assert "this CSE or CCE concern?: enter the reason" in html
    response = client.post(
        url,
        {
            "pathway": "strategy_discussion",
            "version": "1",
            f"reason-{SCREENING}": "Screening tool completed by police; awaiting the copy",
        },
    )
    assert response.status_code == 302
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Screening tool completed by police; awaiting the copy" in html


def test_R000_1_R004_7_the_api_asks_for_the_reasons(api, people, referral_for, partnership):
    adult = ChildFactory(partnership=partnership, date_of_birth=date(2000, 1, 1))
    referral = referral_for(children=[adult], categories=["cse"])
    response = api.post(f"/{referral.pk}/accept", json={"expected_version": 1}, user=people["bob"])
    assert response.status_code == 400
    assert response.json()["field"] in {f"reason-{ADULT}", f"reason-{SCREENING}"}
    response = api.post(
        f"/{referral.pk}/accept",
        json={
            "expected_version": 1,
            "reasons": {ADULT: "Aged 26: a vulnerable adult", SCREENING: "Not yet possible"},
        },
        user=people["bob"],
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "triaged"
    assert TriageReason.objects.filter(referral=referral).count() == 2


def test_R000_1_the_referral_page_says_so_as_soon_as_it_is_recorded(
    client, people, referral_for, partnership, agencies
):
    adult = ChildFactory(
        partnership=partnership, date_of_birth=date(2006, 1, 1), setting=agencies["primary"]
    )
    referral = referral_for(children=[adult])
    client.force_login(people["tom"])  # who recorded it
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "A strategy discussion is for a child under 18" in html
    assert "Before the pathway is decided: Why go on with a strategy discussion" in html
    client.force_login(people["bob"])
    html = client.get(f"/referrals/{referral.pk}/triage/").content.decode()
    assert f'name="reason-{ADULT}"' in html
