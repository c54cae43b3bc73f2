"""The referrals REST API (django-ninja Router) drives the same services as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.testing import TestClient

from convene.discussions.api import router as discussions_router
from convene.people.factories import ChildFactory
from convene.policy.vocab import Pathway
from convene.referrals.api import router
from convene.referrals.models import Referral
from tests.convening import PATHWAY_RECIPES, pathway_rules

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def api():
    return TestClient(router)


def _payload(ids, agencies, **changes):
    facts = {"significant_harm_suspected": True}
    facts.update(changes.pop("facts", {}))
    payload = {
        "received_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "how_received": "email",
        "referrer": {
            "name": "Erin Evans",
            "agency_id": agencies["primary"].pk,
            "role": "Designated safeguarding lead",
            "email": "erin@example.org",
        },
        "account": "Sam came to school with a burn on the arm and said mum did it.",
        "triage_conversation": "Called Ms Evans back at 10:05.",
        "categories": ["physical"],
        "facts": facts,
        "child_ids": ids,
    }
    payload.update(changes)
    return payload


@pytest.mark.parametrize(("pack_id", "rule_id", "pathway"), pathway_rules())
def test_every_pathway_rule_through_the_api(
    api, people, partnership, agencies, pack_id, rule_id, pathway
):
    partnership.policy_id = pack_id
    partnership.save()
    recipe = dict(PATHWAY_RECIPES[rule_id])
    child = ChildFactory(partnership=partnership, legal_status=recipe.pop("legal_status", "none"))
    categories = recipe.pop("categories", ["physical"])

    response = api.post(
        "",
        json=_payload([child.pk], agencies, categories=categories, facts=recipe),
        user=people["tom"],
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["triage"]["recommended_rule_id"] == rule_id
    assert body["triage"]["recommended_pathway"] == pathway
    assert body["triage"]["explanation"]["recommendation"]["rule_id"] == rule_id
    assert body["triage"]["policy_id"] == pack_id

    triage = api.get(f"/{body['id']}/triage", user=people["bob"]).json()
    assert triage["recommended_rule_id"] == rule_id

    accepted = api.post(
        f"/{body['id']}/accept", json={"expected_version": body["version"]}, user=people["bob"]
    )
    assert accepted.status_code == 200, accepted.json()
    decided = accepted.json()["triage"]
    assert decided["chosen_pathway"] == pathway
    convenes = Pathway(pathway).convenes_strategy_discussion
    assert (decided["convene_by"] is not None) is convenes


def test_R004_6_R002_1_missing_episode_at_immediate_risk_through_the_api_keeps_the_clock(
    api, people, partnership, agencies
):
    # Before issue 11 this was recommended the trigger meeting and closed with no clock.
    child = ChildFactory(partnership=partnership)
    body = api.post(
        "",
        json=_payload(
            [child.pk], agencies, categories=["missing_episode"], facts={"immediate_risk": True}
        ),
        user=people["tom"],
    ).json()
    assert body["triage"]["recommended_pathway"] == "strategy_discussion"
    assert [a["rule_id"] for a in body["triage"]["explanation"]["advice"]] == [
        "halton.advice.missing_trigger_meeting"
    ]
    decided = api.post(
        f"/{body['id']}/accept", json={"expected_version": 1}, user=people["bob"]
    ).json()
    assert decided["status"] == "triaged"
    assert decided["triage"]["convene_by"] is not None


def test_R002_2_a_referral_recorded_through_the_api_is_on_a_clock_from_receipt(
    api, people, partnership, agencies
):
    child = ChildFactory(partnership=partnership)
    urgent = api.post(
        "", json=_payload([child.pk], agencies, facts={"immediate_risk": True}), user=people["tom"]
    ).json()
    assert urgent["status"] == "awaiting_triage"
    assert urgent["triage"]["convene_by"] is not None
    assert urgent["triage"]["convene_clock_state"] == "pending"
    assert urgent["triage"]["triage_by"] is None
    other = api.post("", json=_payload([child.pk], agencies), user=people["tom"]).json()
    assert other["triage"]["convene_by"] is None
    assert other["triage"]["triage_clock_state"] == "pending"
    decided = api.post(
        f"/{other['id']}/accept", json={"expected_version": 1}, user=people["bob"]
    ).json()
    assert decided["triage"]["triage_clock_state"] == "met"


def test_R004_6_missing_episode_alone_through_the_api_never_starts_a_clock(
    api, people, partnership, agencies
):
    child = ChildFactory(partnership=partnership)
    body = api.post(
        "", json=_payload([child.pk], agencies, categories=["missing_episode"]), user=people["tom"]
    ).json()
    assert body["triage"]["recommended_pathway"] == "trigger_meeting"
    decided = api.post(
        f"/{body['id']}/accept", json={"expected_version": 1}, user=people["bob"]
    ).json()
    assert decided["status"] == "closed"
    assert decided["triage"]["convene_by"] is None


def test_a_new_unborn_child_through_the_api(api, people, agencies):
    due = (timezone.localdate() + timedelta(days=100)).isoformat()
    response = api.post(
        "",
        json=_payload(
            [], agencies, new_children=[{"last_name": "Okafor", "expected_date_of_delivery": due}]
        ),
        user=people["tom"],
    )
    assert response.status_code == 201, response.json()
    [child] = response.json()["children"]
    assert child["name"] == "Unborn baby Okafor"


# --- Bad input: a specific error, nothing written -----------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"child_ids": [999999]}, 400, "Unknown child 999999"),
        ({"child_ids": []}, 400, "Add at least one child"),
        ({"how_received": "pigeon"}, 400, "Select how the concern was received"),
        ({"referrer": {"name": "X", "agency_id": 999999}}, 400, "Unknown referrer agency"),
        ({"account": " "}, 400, "Enter what happened"),
        (
            {
                "new_children": [
                    {"last_name": "X", "date_of_birth": "2019-01-01", "nhs_number": "12"}
                ]
            },
            400,
            "X:",
        ),
        ({"account": "nul \x00 byte"}, 400, "The account contains a character"),
    ],
)
def test_bad_referrals_are_refused_with_a_specific_error(
    api, people, partnership, agencies, change, status, message
):
    child = ChildFactory(partnership=partnership)
    response = api.post("", json=_payload([child.pk], agencies, **change), user=people["tom"])
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert Referral.objects.count() == 0


def test_a_duplicated_child_through_the_api(api, people, partnership, agencies):
    child = ChildFactory(partnership=partnership)
    response = api.post("", json=_payload([child.pk, child.pk], agencies), user=people["tom"])
    assert response.status_code == 400
    assert "on this referral twice" in response.json()["detail"]


def test_a_received_time_in_the_future_through_the_api(api, people, partnership, agencies):
    child = ChildFactory(partnership=partnership)
    later = (timezone.now() + timedelta(hours=2)).isoformat()
    response = api.post(
        "", json=_payload([child.pk], agencies, received_at=later), user=people["tom"]
    )
    assert response.status_code == 400
    assert response.json()["field"] == "received_at"


def test_an_unknown_category_is_a_validation_error(api, people, partnership, agencies):
    child = ChildFactory(partnership=partnership)
    response = api.post(
        "", json=_payload([child.pk], agencies, categories=["witchcraft"]), user=people["tom"]
    )
    assert response.status_code == 422
    assert Referral.objects.count() == 0


def test_a_stale_accept_is_409(api, people, referral_for):
    referral = referral_for()
    api.post(
        f"/{referral.pk}/override",
        json={"pathway": "strategy_meeting", "reason": "Complex", "expected_version": 1},
        user=people["dina"],
    )
    response = api.post(f"/{referral.pk}/accept", json={"expected_version": 1}, user=people["bob"])
    assert response.status_code == 409
    assert "was changed by Dina Desai" in response.json()["detail"]


def test_override_without_a_reason_is_400(api, people, referral_for):
    referral = referral_for()
    response = api.post(
        f"/{referral.pk}/override",
        json={"pathway": "strategy_meeting", "reason": "", "expected_version": 1},
        user=people["bob"],
    )
    assert response.status_code == 400
    assert response.json()["field"] == "override_reason"


@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("ivy", 403), ("carol", 404)])
def test_who_may_accept(api, people, referral_for, who, status):
    referral = referral_for()
    response = api.post(f"/{referral.pk}/accept", json={"expected_version": 1}, user=people[who])
    assert response.status_code == status
    referral.refresh_from_db()
    assert referral.version == 1


def test_partners_cannot_record_or_read_referrals(api, people, partnership, agencies, referral_for):
    referral = referral_for()
    child = ChildFactory(partnership=partnership)
    assert api.post("", json=_payload([child.pk], agencies), user=people["carol"]).status_code in {
        400,
        403,
    }
    assert api.get(f"/{referral.pk}", user=people["carol"]).status_code == 404
    assert api.get("", user=people["carol"]).json() == []


def test_reading_and_listing(api, people, referral_for):
    referral = referral_for()
    body = api.get(f"/{referral.pk}", user=people["alice"]).json()
    assert body["reference"] == referral.reference
    assert body["facts"]["significant_harm_suspected"] is True
    assert [r["id"] for r in api.get("?status=awaiting_triage", user=people["alice"]).json()] == [
        referral.pk
    ]


def test_an_anonymous_request_is_401(api):
    assert api.get("").status_code == 401


def test_the_routers_publish_an_openapi_schema():
    project_api = NinjaAPI(urls_namespace="convening-openapi-check", title="Convene")
    project_api.add_router("/referrals/", router)
    project_api.add_router("/discussions/", discussions_router)
    schema = project_api.get_openapi_schema(path_prefix="/api/")
    paths = schema["paths"]
    for path in (
        "/api/referrals/",
        "/api/referrals/{referral_id}",
        "/api/referrals/{referral_id}/triage",
        "/api/referrals/{referral_id}/accept",
        "/api/referrals/{referral_id}/override",
        "/api/discussions/",
        "/api/discussions/{discussion_id}",
        "/api/discussions/{discussion_id}/schedule",
        "/api/discussions/{discussion_id}/invitations",
        "/api/discussions/{discussion_id}/cancel",
    ):
        assert any(p.rstrip("/") == path.rstrip("/") for p in paths), (path, list(paths))
