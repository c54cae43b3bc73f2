"""Recording and triaging a concern through the services (R003.1, R004.1-R004.7)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from convene.clocks.models import Clock
from convene.core.errors import Conflict, Invalid, NotAllowed, StaleVersion
from convene.people.factories import ChildFactory
from convene.people.models import Child
from convene.policy.vocab import Pathway
from convene.referrals.models import Referral
from convene.referrals.selectors import referral_convene_clock, referrals_visible_to
from convene.referrals.services import (
    NewChild,
    RiskFacts,
    referral_accept,
    referral_override,
    referral_update_facts,
)
from tests.convening import NOW, PATHWAY_RECIPES, RECEIVED, pathway_rules

pytestmark = pytest.mark.django_db


def _recipe(rule_id, partnership, agencies):
    recipe = dict(PATHWAY_RECIPES[rule_id])
    legal_status = recipe.pop("legal_status", "none")
    child = ChildFactory(
        partnership=partnership, legal_status=legal_status, setting=agencies["primary"]
    )
    return recipe, child


def test_every_pathway_rule_has_a_recipe():
    assert {rule_id for _, rule_id, _ in pathway_rules()} == set(PATHWAY_RECIPES)


@pytest.mark.parametrize(("pack_id", "rule_id", "pathway"), pathway_rules())
def test_every_pathway_rule_through_referral_triage_and_accept(
    referral_for, people, partnership, agencies, pack_id, rule_id, pathway
):
    partnership.policy_id = pack_id
    partnership.save()
    recipe, child = _recipe(rule_id, partnership, agencies)

    referral = referral_for(children=[child], **recipe)

    assert referral.policy_id == pack_id
    assert referral.recommended_rule_id == rule_id
    assert referral.recommended_pathway == pathway
    assert referral.explanation["recommendation"]["rule_id"] == rule_id
    referral = referral_accept(
        referral=referral, by=people["bob"], now=NOW, expected_version=referral.version
    )
    convenes = Pathway(pathway).convenes_strategy_discussion
    assert referral.chosen_pathway == pathway
    assert referral.status == (Referral.Status.TRIAGED if convenes else Referral.Status.CLOSED)
    assert (referral_convene_clock(referral=referral) is not None) is convenes


def test_R004_6_missing_episode_alone_never_starts_a_strategy_discussion_clock(
    referral_for, people
):
    referral = referral_for(categories=["missing_episode"])
    assert referral.recommended_pathway == Pathway.TRIGGER_MEETING
    assert referral.recommended_due_at is None

    referral = referral_accept(
        referral=referral, by=people["bob"], now=NOW, expected_version=referral.version
    )

    assert referral.status == Referral.Status.CLOSED
    assert "Trigger meeting" in referral.closed_reason
    assert referral_convene_clock(referral=referral) is None


def test_R004_6_R002_1_R004_1_missing_episode_at_immediate_risk_keeps_the_same_day_discussion(
    referral_for, people
):
    # Before issue 11 this went to the trigger meeting and closed with no clock.
    referral = referral_for(categories=["missing_episode"], immediate_risk=True)
    assert referral.recommended_pathway == Pathway.STRATEGY_DISCUSSION
    assert referral.recommended_due_at.date() == RECEIVED.date()
    advice = referral.explanation["advice"]
    assert [a["rule_id"] for a in advice] == ["halton.advice.missing_trigger_meeting"]

    referral = referral_accept(
        referral=referral, by=people["bob"], now=NOW, expected_version=referral.version
    )

    assert referral.status == Referral.Status.TRIAGED
    clock = referral_convene_clock(referral=referral)
    assert clock.rule_id == "halton.convene.immediate_risk"
    assert clock.started_at == RECEIVED


def test_R004_1_immediate_risk_clock_is_due_the_same_day(referral_for, people):
    referral = referral_for(categories=["serious_physical_injury"], immediate_risk=True)
    assert referral.recommended_due_at.isoformat() == "2026-03-04T23:59:59+00:00"

    referral_accept(referral=referral, by=people["bob"], now=NOW, expected_version=1)

    clock = referral_convene_clock(referral=referral)
    assert clock.rule_id == "halton.convene.immediate_risk"
    assert clock.started_at == RECEIVED
    assert clock.due_at.isoformat() == "2026-03-04T23:59:59+00:00"
    assert "R004.1" in clock.citation
    assert clock.policy_id == "halton"


def test_R004_3_standard_clock_runs_from_the_request_not_the_receipt(referral_for, people):
    referral = referral_for()  # physical abuse, not immediate: "all other cases"
    # The deadline waits for the request, so none is known at triage...
    assert referral.recommended_due_at is None
    awaiting = referral.explanation["awaiting"]
    assert [a["rule_id"] for a in awaiting if a["clock"] == "convene"] == [
        "halton.convene.standard"
    ]
    # ...and accepting on Friday is the request: 3 working days is the next Wednesday.
    friday = NOW + timedelta(days=2)
    referral_accept(referral=referral, by=people["bob"], now=friday, expected_version=1)
    clock = referral_convene_clock(referral=referral)
    assert clock.rule_id == "halton.convene.standard"
    assert clock.started_at == friday
    assert clock.due_at.isoformat() == "2026-03-11T23:59:59+00:00"


def test_R003_1_referral_records_the_concern_the_referrer_and_the_conversation(
    referral_for, people, agencies
):
    referral = referral_for()
    referral.refresh_from_db()
    assert referral.referrer_agency == agencies["primary"]
    assert referral.referrer_name == "Rita Referrer"
    assert "Dad did it" in referral.account
    assert "class teacher" in referral.triage_conversation
    assert referral.categories == ["physical"]
    assert referral.status == Referral.Status.AWAITING_TRIAGE
    assert referral.version == 1
    assert referral.created_by == people["tom"]
    assert referral.policy_version
    assert referral.policy_digest
    assert referral.explanation["policy"]["id"] == "halton"


def test_R001_13_several_children_and_an_unborn_child(referral_for, partnership, agencies):
    sibling = ChildFactory(partnership=partnership)
    referral = referral_for(
        children=[sibling],
        new_children=[
            NewChild(last_name="Smith", expected_date_of_delivery=NOW.date() + timedelta(days=60))
        ],
    )
    children = list(referral.children.order_by("referral_links__pk"))
    assert children[0] == sibling
    assert children[1].is_unborn
    assert children[1].full_name == "Unborn baby Smith"
    assert referral.explanation["facts"]["unborn"] is True


def test_override_keeps_the_reason_and_starts_the_clock_of_the_chosen_pathway(referral_for, people):
    referral = referral_for(categories=["missing_episode"])
    referral = referral_override(
        referral=referral,
        pathway="strategy_meeting",
        reason="Missing with clear signs of criminal exploitation: police want a meeting today",
        by=people["bob"],
        now=NOW,
        expected_version=referral.version,
    )
    assert referral.decision == Referral.Decision.OVERRIDDEN
    assert referral.recommended_pathway == Pathway.TRIGGER_MEETING
    assert referral.chosen_pathway == Pathway.STRATEGY_MEETING
    assert "criminal exploitation" in referral.override_reason
    assert referral.status == Referral.Status.TRIAGED
    assert referral_convene_clock(referral=referral) is not None


def test_override_needs_a_reason_and_a_different_pathway(referral_for, people):
    referral = referral_for()
    with pytest.raises(Invalid, match="Enter the reason"):
        referral_override(
            referral=referral,
            pathway="strategy_meeting",
            reason="  ",
            by=people["bob"],
            now=NOW,
            expected_version=1,
        )
    with pytest.raises(Invalid, match="accept the recommendation instead"):
        referral_override(
            referral=referral,
            pathway="strategy_discussion",
            reason="Because",
            by=people["bob"],
            now=NOW,
            expected_version=1,
        )
    referral.refresh_from_db()
    assert referral.version == 1
    assert referral.status == Referral.Status.AWAITING_TRIAGE


def test_stale_accept_is_refused_and_changes_nothing(referral_for, people):
    referral = referral_for()
    referral_update_facts(
        referral=referral,
        categories=["physical", "serious_physical_injury"],
        facts=RiskFacts(significant_harm_suspected=True, immediate_risk=True),
        by=people["dina"],
        now=NOW,
        expected_version=1,
    )
    with pytest.raises(StaleVersion) as caught:
        referral_accept(referral=referral, by=people["bob"], now=NOW, expected_version=1)
    assert "This referral was changed by Dina Desai at" in caught.value.message
    assert "Your changes were not saved; review the current version." in caught.value.message
    referral.refresh_from_db()
    assert referral.version == 2
    assert referral.status == Referral.Status.AWAITING_TRIAGE
    # Issue 11: the corrected answers put it on its same-day clock from receipt (and
    # waived the triage clock); the refused accept changed neither.
    assert [(c.kind, c.state) for c in Clock.objects.order_by("pk")] == [
        ("triage", "waived"),
        ("convene", "pending"),
    ]


def test_a_referral_is_triaged_once(referral_for, people):
    referral = referral_for()
    referral_accept(referral=referral, by=people["bob"], now=NOW, expected_version=1)
    with pytest.raises(Conflict, match="already been triaged by Bob Bennett"):
        referral_accept(referral=referral, by=people["dina"], now=NOW, expected_version=2)
    assert Clock.objects.filter(kind="convene").count() == 1
    assert Clock.objects.get(kind="triage").met_at == NOW  # issue 11: met once, by Bob


@pytest.mark.parametrize("who", ["alice", "tom", "ivy", "carol"])
def test_only_social_care_managers_decide(referral_for, people, who):
    referral = referral_for()
    with pytest.raises(NotAllowed):
        referral_accept(referral=referral, by=people[who], now=NOW, expected_version=1)
    referral.refresh_from_db()
    assert referral.version == 1


@pytest.mark.parametrize("who", ["ivy", "carol", "erin", "ursula", "nick"])
def test_only_social_care_staff_of_the_partnership_record_referrals(referral_for, who):
    with pytest.raises(NotAllowed):
        referral_for(by=who)
    assert Referral.objects.count() == 0


# --- Bad input: a specific error, and nothing written ------------------------------------


def _nothing_written(children_before):
    assert Referral.objects.count() == 0
    assert Child.objects.count() == children_before


def test_received_in_the_future_is_refused(referral_for, partnership):
    child = ChildFactory(partnership=partnership)
    with pytest.raises(Invalid, match="must be in the past") as caught:
        referral_for(children=[child], received_at=NOW + timedelta(minutes=5))
    assert caught.value.field == "received_at"
    _nothing_written(1)


def test_a_duplicated_child_is_refused(referral_for, partnership):
    child = ChildFactory(partnership=partnership)
    with pytest.raises(Invalid, match=f"{child.full_name} is on this referral twice"):
        referral_for(children=[child, child])
    _nothing_written(1)


def test_an_unknown_child_is_refused(referral_for, neighbour):
    elsewhere = ChildFactory(partnership=neighbour)
    with pytest.raises(Invalid, match="Child not found"):
        referral_for(children=[elsewhere])
    _nothing_written(1)


def test_a_new_child_already_on_record_is_refused(referral_for, partnership):
    known = ChildFactory(partnership=partnership)
    with pytest.raises(Invalid, match="already recorded") as caught:
        referral_for(
            children=[],
            new_children=[
                NewChild(
                    first_name="Ann",
                    last_name="X",
                    nhs_number=known.nhs_number,
                    date_of_birth=NOW.date() - timedelta(days=3000),
                )
            ],
        )
    assert known.full_name in caught.value.message
    _nothing_written(1)


def test_no_child_is_refused(referral_for):
    with pytest.raises(Invalid, match="Add at least one child"):
        referral_for(children=[], new_children=[])
    _nothing_written(0)


def test_an_unknown_category_is_refused(referral_for, partnership):
    child = ChildFactory(partnership=partnership)
    with pytest.raises(Invalid, match="Unknown concern category: witchcraft"):
        referral_for(children=[child], categories=["physical", "witchcraft"])
    _nothing_written(1)


def test_a_referrer_agency_outside_the_partnership_is_refused(referral_for, partnership, agencies):
    child = ChildFactory(partnership=partnership)
    with pytest.raises(Invalid, match="Northvale Children's Social Care is not an agency of"):
        referral_for(children=[child], referrer_agency="northvale_csc")
    _nothing_written(1)


def test_a_new_child_born_in_the_future_is_refused(referral_for):
    with pytest.raises(Invalid, match="Date of birth must be today or in the past"):
        referral_for(
            children=[],
            new_children=[
                NewChild(
                    first_name="A", last_name="B", date_of_birth=NOW.date() + timedelta(days=400)
                )
            ],
        )
    _nothing_written(0)


# --- R004.2: allegations against staff are restricted ---------------------------------------


def test_R004_2_allegation_against_staff_is_visible_only_to_the_people_named(referral_for, people):
    referral = referral_for(categories=["allegation_against_staff"], named=["lee", "hana"])
    assert referral.restricted
    for name in ("tom", "lee", "hana"):
        assert referrals_visible_to(user=people[name]).filter(pk=referral.pk).exists(), name
    for name in ("bob", "alice", "ivy"):
        assert not referrals_visible_to(user=people[name]).filter(pk=referral.pk).exists(), name


def test_R004_2_only_managers_or_the_lado_can_be_named(referral_for, partnership):
    child = ChildFactory(partnership=partnership)
    with pytest.raises(Invalid, match="cannot be named on a restricted record"):
        referral_for(children=[child], categories=["allegation_against_staff"], named=["carol"])
    _nothing_written(1)
