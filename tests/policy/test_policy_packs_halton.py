"""Halton (seed 004), rule by rule, through the engine."""

from datetime import datetime

import pytest

from convene.people.vocab import ConcernCategory, ExploitationRating, Role
from convene.policy import engine
from convene.policy.explanation import explain
from convene.policy.vocab import Basis, ClockKind, Party, Pathway, StartEvent

at = datetime.fromisoformat
HIGH = ExploitationRating.HIGH
SATURDAY = "2026-03-07T09:30:00+00:00"


def convene(pack, facts, events=None):
    """(governing rule id, due) of the convene clock, and every rule that set one."""
    found = [d for d in engine.deadlines(pack, facts, events=events or {}) if d.clock == "convene"]
    [first] = [d for d in found if d.governing] or [None]
    return first, [d.rule_id for d in found]


def test_R004_1_immediate_risk_same_day_even_on_saturday(halton, make_facts):
    first, rules = convene(halton, make_facts(received_at=SATURDAY, immediate_risk=True))
    assert first.rule_id == "halton.convene.immediate_risk"
    assert first.due_at.isoformat() == "2026-03-07T23:59:59+00:00"
    assert "england.convene.immediate_risk" not in rules  # replaced by the local rule


@pytest.mark.parametrize(
    "category", [ConcernCategory.SERIOUS_PHYSICAL_INJURY, ConcernCategory.SERIOUS_NEGLECT]
)
def test_R004_1_serious_injury_or_neglect_is_same_day(halton, make_facts, category):
    first, _ = convene(halton, make_facts(received_at=SATURDAY, categories={category}))
    assert first.rule_id == "halton.convene.immediate_risk"
    assert first.due_at.isoformat() == "2026-03-07T23:59:59+00:00"


def test_R004_1_penetrative_sexual_abuse_same_day_when_forensic_evidence_needed(halton, make_facts):
    penetrative = {ConcernCategory.PENETRATIVE_SEXUAL}
    forensic = make_facts(
        received_at="2026-12-25T20:00:00+00:00",
        categories=penetrative,
        forensic_evidence_needed=True,
    )
    first, _ = convene(halton, forensic)
    assert first.rule_id == "halton.convene.penetrative_sexual_abuse"
    assert first.due_at.isoformat() == "2026-12-25T23:59:59+00:00"  # Christmas Day
    # Without the forensic need it is one of "all other cases" (R004.3).
    requested = {StartEvent.DISCUSSION_REQUESTED: at("2026-03-04T12:00:00+00:00")}
    first, _ = convene(halton, make_facts(categories=penetrative), requested)
    assert first.rule_id == "halton.convene.standard"


@pytest.mark.parametrize(
    "changes",
    [
        {"complex_concerns": True},
        {"categories": {ConcernCategory.FABRICATED_ILLNESS}},
        {"categories": {ConcernCategory.ORGANISED_ABUSE}},
        {"categories": {ConcernCategory.CSE}},
        {"categories": {ConcernCategory.ALLEGATION_AGAINST_STAFF}},
    ],
)
def test_R004_2_complex_concerns_use_the_locally_set_timescale(halton, make_facts, changes):
    first, rules = convene(halton, make_facts(received_at="2026-03-06T10:00:00+00:00", **changes))
    assert first.rule_id == "halton.convene.complex"
    assert first.due_at.isoformat() == "2026-03-11T23:59:59+00:00"
    assert first.basis is Basis.DEFAULT
    assert "partnership" in first.interpretation
    assert "halton.convene.standard" not in rules


def test_R004_2_complex_but_needing_immediate_protection_is_sooner(halton, make_facts):
    facts = make_facts(categories={ConcernCategory.CSE}, immediate_risk=True)
    first, _rules = convene(halton, facts)
    assert first.rule_id == "halton.convene.immediate_risk"
    assert first.due_at.isoformat() == "2026-03-04T23:59:59+00:00"
    later = [d for d in engine.deadlines(halton, facts, events={}) if not d.governing]
    assert [(d.rule_id, d.superseded_by) for d in later] == [
        ("halton.convene.complex", "halton.convene.immediate_risk")
    ]


def test_R004_3_all_other_cases_three_working_days_after_the_request(halton, make_facts):
    # Requested on the Thursday before Easter: Good Friday and Easter Monday are not working days.
    events = {StartEvent.DISCUSSION_REQUESTED: at("2026-04-02T15:00:00+01:00")}
    first, rules = convene(halton, make_facts(received_at="2026-04-02T09:00:00+01:00"), events)
    assert first.rule_id == "halton.convene.standard"
    assert first.due_at.isoformat() == "2026-04-09T23:59:59+01:00"
    assert first.basis is Basis.INTERPRETED
    assert "3 working days" in first.interpretation
    assert "england.convene.default" not in rules  # replaced by the local rule


def test_R004_3_the_clock_waits_for_the_request(halton, make_facts):
    facts = make_facts()
    assert convene(halton, facts) == (None, [])
    [waiting] = [a for a in engine.awaiting(halton, facts, events={}) if a.clock == "convene"]
    assert (waiting.rule_id, waiting.start_event) == (
        "halton.convene.standard",
        StartEvent.DISCUSSION_REQUESTED,
    )


def test_R004_4_complex_with_more_than_one_agency_key_to_planning_strategy_meeting(
    halton, make_facts
):
    facts = make_facts(complex_concerns=True, agencies_key_to_planning=2)
    recommendation = engine.recommend_pathway(halton, facts)
    assert recommendation.pathway is Pathway.STRATEGY_MEETING
    assert recommendation.rule_id == "halton.pathway.complex_meeting"
    one_agency = make_facts(complex_concerns=True, agencies_key_to_planning=1)
    assert engine.recommend_pathway(halton, one_agency).pathway is Pathway.STRATEGY_DISCUSSION


def test_R004_5_no_review_discussion_without_new_information(halton, make_facts):
    facts = make_facts(review_requested=True)
    recommendation = engine.recommend_pathway(halton, facts)
    assert recommendation.pathway is Pathway.NO_STRATEGY_DISCUSSION
    assert recommendation.rule_id == "halton.pathway.review_without_new_information"
    assert convene(halton, facts) == (None, [])
    with_news = make_facts(review_requested=True, new_information=True)
    assert engine.recommend_pathway(halton, with_news).pathway is Pathway.STRATEGY_DISCUSSION


def test_R004_6_missing_episode_alone_goes_to_the_trigger_meeting_with_no_convene_clock(
    halton, make_facts
):
    facts = make_facts(categories={ConcernCategory.MISSING_EPISODE})
    recommendation = engine.recommend_pathway(halton, facts)
    assert recommendation.pathway is Pathway.TRIGGER_MEETING
    assert recommendation.rule_id == "halton.pathway.missing_trigger_meeting"
    assert convene(halton, facts) == (None, [])
    assert not [a for a in engine.awaiting(halton, facts, events={}) if a.clock == "convene"]
    assert engine.advice(halton, facts) == []
    # The manager may still choose a strategy discussion; then its clock runs.
    chosen = make_facts(
        categories={ConcernCategory.MISSING_EPISODE}, pathway=Pathway.STRATEGY_DISCUSSION
    )
    requested = {StartEvent.DISCUSSION_REQUESTED: at(SATURDAY)}
    assert convene(halton, chosen, requested)[0].rule_id == "halton.convene.standard"


@pytest.mark.parametrize(
    ("harm", "same_day_rule"),
    [
        ({"immediate_risk": True}, "halton.convene.immediate_risk"),
        (
            {
                "categories": {ConcernCategory.PENETRATIVE_SEXUAL},
                "forensic_evidence_needed": True,
            },
            "halton.convene.penetrative_sexual_abuse",
        ),
        (
            {"categories": {ConcernCategory.SERIOUS_PHYSICAL_INJURY}},
            "halton.convene.immediate_risk",
        ),
        ({"categories": {ConcernCategory.SERIOUS_NEGLECT}}, "halton.convene.immediate_risk"),
        ({"categories": {ConcernCategory.PHYSICAL}}, "halton.convene.standard"),
    ],
)
def test_R004_6_R002_1_R004_1_a_missing_episode_never_outranks_significant_harm(
    halton, make_facts, harm, same_day_rule
):
    # Before issue 11 any missing episode went to the trigger meeting, even at
    # immediate risk; now the strategy discussion and its timescale stand.
    harm = dict(harm)
    categories = {ConcernCategory.MISSING_EPISODE, *harm.pop("categories", set())}
    facts = make_facts(received_at=SATURDAY, categories=categories, **harm)
    recommendation = engine.recommend_pathway(halton, facts)
    assert recommendation.pathway is Pathway.STRATEGY_DISCUSSION
    assert "halton.pathway.missing_trigger_meeting" not in recommendation.reasons
    first, _ = convene(halton, facts, {StartEvent.DISCUSSION_REQUESTED: at(SATURDAY)})
    assert first.rule_id == same_day_rule
    if same_day_rule != "halton.convene.standard":
        assert first.due_at.isoformat() == "2026-03-07T23:59:59+00:00"
    # ...and the explanation also advises the trigger meeting for the missing episode.
    [advice] = engine.advice(halton, facts)
    assert advice.rule_id == "halton.advice.missing_trigger_meeting"
    assert advice.also is Pathway.TRIGGER_MEETING
    assert explain(halton, facts, events={}).advice == (advice,)


def test_R004_7_exploitation_rated_high_gets_a_strategy_discussion(halton, make_facts):
    # Even before anyone has judged the significant-harm threshold.
    facts = make_facts(significant_harm_suspected=False, exploitation_rating=HIGH)
    recommendation = engine.recommend_pathway(halton, facts)
    assert recommendation.pathway is Pathway.STRATEGY_DISCUSSION
    assert recommendation.rule_id == "halton.pathway.exploitation_high"
    medium = make_facts(
        significant_harm_suspected=False, exploitation_rating=ExploitationRating.MEDIUM
    )
    assert engine.recommend_pathway(halton, medium).pathway is Pathway.NO_STRATEGY_DISCUSSION


def test_R004_7_R004_4_high_exploitation_with_several_agencies_strategy_meeting(halton, make_facts):
    facts = make_facts(
        exploitation_rating=HIGH,
        agencies_key_to_planning=3,
        categories={ConcernCategory.CCE, ConcernCategory.MISSING_EPISODE},
    )
    recommendation = engine.recommend_pathway(halton, facts)
    assert recommendation.pathway is Pathway.STRATEGY_MEETING
    assert recommendation.rule_id == "halton.pathway.exploitation_high_multi_agency"
    # Exploitation is a concern besides the missing episode, so the trigger meeting is
    # not a pathway here (issue 11): it is advised as well as the strategy meeting.
    assert not any("halton.pathway.missing_trigger_meeting" in r for r in recommendation.reasons)
    assert [a.rule_id for a in engine.advice(halton, facts)] == [
        "halton.advice.missing_trigger_meeting"
    ]


def test_R004_8_social_care_not_convening_partners_told_then_head_of_service(halton, make_facts):
    day = make_facts().reference_date
    steps = engine.escalation_levels(halton, ClockKind.CONVENE, on=day)
    assert [(s.rule_id, s.roles, s.parties, s.after_working_days) for s in steps] == [
        ("halton.escalation.convene", (Role.TEAM_MANAGER,), (Party.INVITED_AGENCIES,), 0),
        ("halton.escalation.convene", (Role.HEAD_OF_SERVICE,), (), 1),
    ]


def test_R004_8_partner_missing_timescales_social_care_escalates(halton, make_facts):
    day = make_facts().reference_date
    steps = engine.escalation_levels(halton, ClockKind.ACTION_DUE, on=day)
    assert [s.rule_id for s in steps] == ["halton.escalation.partner_actions"] * 2
    assert steps[0].parties == (Party.ACTION_OWNER_AGENCY,)
    assert steps[1].roles == (Role.TEAM_MANAGER,)
    # Clocks Halton says nothing about keep the baseline's escalation.
    icpc = engine.escalation_levels(halton, ClockKind.ICPC, on=day)
    assert {s.rule_id for s in icpc} == {"england.escalation.follow_through"}


def test_R004_3_halton_explains_its_reading_of_three_days(halton, make_facts):
    events = {StartEvent.DISCUSSION_REQUESTED: at("2026-03-04T12:00:00+00:00")}
    explanation = explain(halton, make_facts(), events=events)
    assert "R004.3" in explanation.conventions
    [rule] = [r for r in explanation.rules if r.rule_id == "halton.convene.standard"]
    assert rule.citation.requirements == ("R004.3",)
    assert "working days" in rule.interpretation


def test_R004_7_cse_or_cce_not_screened_asks_for_a_reason_before_triage(halton, make_facts):
    for category in (ConcernCategory.CSE, ConcernCategory.CCE):
        [asked] = engine.reasons_asked(halton, make_facts(categories={category}))
        assert asked.rule_id == "halton.reason.exploitation_not_screened"
        assert asked.citation.requirements == ("R004.7",)
    screened = make_facts(
        categories={ConcernCategory.CSE}, exploitation_rating=ExploitationRating.LOW
    )
    assert engine.reasons_asked(halton, screened) == []
    assert engine.reasons_asked(halton, make_facts()) == []
