"""The England baseline pack, rule by rule, through the engine."""

from dataclasses import replace
from datetime import datetime

import pytest

from convene.people.vocab import ConcernCategory, LegalStatus, Role
from convene.policy import engine
from convene.policy.explanation import explain
from convene.policy.loader import load_pack
from convene.policy.vocab import (
    Basis,
    ClockKind,
    Decision,
    Party,
    Pathway,
    RecordSection,
    Requirement,
    StartEvent,
)

at = datetime.fromisoformat


def governing(deadlines, clock):
    [deadline] = [d for d in deadlines if d.clock == clock and d.governing]
    return deadline


def test_R001_1_R002_1_no_reasonable_cause_means_no_strategy_discussion(england, make_facts):
    facts = make_facts(significant_harm_suspected=False)
    recommendation = engine.recommend_pathway(england, facts)
    assert recommendation.pathway is Pathway.NO_STRATEGY_DISCUSSION
    assert recommendation.rule_id == "england.pathway.no_strategy_discussion"
    assert "R001.1" in recommendation.citation.requirements
    # No convene clock runs for a case that needs no discussion.
    assert not [d for d in engine.deadlines(england, facts, events={}) if d.clock == "convene"]


@pytest.mark.parametrize("status", list(LegalStatus))
def test_R000_1_R001_1_R002_1_significant_harm_gets_a_strategy_discussion_whatever_the_status(
    england, make_facts, status
):
    recommendation = engine.recommend_pathway(england, make_facts(legal_status=status))
    assert recommendation.pathway is Pathway.STRATEGY_DISCUSSION
    assert recommendation.rule_id == "england.pathway.strategy_discussion"
    assert "because significant harm suspected" in recommendation.reasons


@pytest.mark.parametrize(
    "urgent",
    [
        {"immediate_risk": True},
        {"categories": {ConcernCategory.SERIOUS_PHYSICAL_INJURY}},
        {"categories": {ConcernCategory.SERIOUS_NEGLECT}},
        {"categories": {ConcernCategory.PENETRATIVE_SEXUAL}},
    ],
)
def test_R002_1_R004_1_urgent_concerns_are_always_reasonable_cause(england, make_facts, urgent):
    # Even when the threshold box was left unticked, the duty to convene stands.
    facts = make_facts(significant_harm_suspected=False, **urgent)
    recommendation = engine.recommend_pathway(england, facts)
    assert recommendation.pathway is Pathway.STRATEGY_DISCUSSION
    assert recommendation.rule_id == "england.pathway.urgent_strategy_discussion"
    plain = make_facts(significant_harm_suspected=False)
    assert engine.recommend_pathway(england, plain).rule_id == (
        "england.pathway.no_strategy_discussion"
    )


def test_R002_2_immediate_risk_same_day_even_on_saturday(england, make_facts):
    facts = make_facts(received_at="2026-03-07T10:15:00+00:00", immediate_risk=True)
    deadline = governing(engine.deadlines(england, facts, events={}), ClockKind.CONVENE)
    assert deadline.rule_id == "england.convene.immediate_risk"
    assert deadline.due_at.isoformat() == "2026-03-07T23:59:59+00:00"
    assert deadline.basis is Basis.INTERPRETED


def test_R002_2_no_immediate_risk_three_working_days_is_a_convene_default(england, make_facts):
    facts = make_facts(received_at="2026-03-06T16:30:00+00:00")  # a Friday
    deadline = governing(engine.deadlines(england, facts, events={}), ClockKind.CONVENE)
    assert deadline.rule_id == "england.convene.default"
    assert deadline.due_at.isoformat() == "2026-03-11T23:59:59+00:00"
    assert deadline.basis is Basis.DEFAULT
    assert "not statutory" in deadline.summary
    assert "Convene defaults" in deadline.citation.document


def test_R002_12_R001_14_icpc_within_15_working_days_of_the_s47_decision(england, make_facts):
    events = {StartEvent.S47_DECIDED: at("2026-03-09T15:00:00+00:00")}
    deadline = governing(engine.deadlines(england, make_facts(), events=events), ClockKind.ICPC)
    assert deadline.rule_id == "england.icpc"
    # 15 working days after Monday 9 March, across the clocks going forward.
    assert deadline.due_at.isoformat() == "2026-03-30T23:59:59+01:00"


def test_R003_8_R001_13_the_visit_default_is_24_clock_hours_from_the_s47_decision(
    england, make_facts
):
    """Working Together sets no number for the visit: Convene's default, 24 clock hours (the
    seeds' only number, Warwickshire's R003.8), marked as a default; Warwickshire and Halton
    inherit it, Warwickshire under its own citation."""
    # Saturday 24 October 2026, 12:00 BST; the clocks go back that night: 11:00 GMT Sunday.
    events = {StartEvent.S47_DECIDED: at("2026-10-24T12:00:00+01:00")}
    deadline = governing(
        engine.deadlines(england, make_facts(), events=events), ClockKind.S47_VISIT
    )
    assert deadline.rule_id == "england.s47_visit"
    assert deadline.due_at.isoformat() == "2026-10-25T11:00:00+00:00"
    [rule] = [r for r in england.rules if r.id == "england.s47_visit"]
    assert rule.basis is Basis.DEFAULT
    assert "R003.8" in rule.source.requirements
    for local, expected in (
        ("halton", "england.s47_visit"),
        ("warwickshire", "warwickshire.s47_visit"),
    ):
        pack = load_pack(local)
        found = governing(engine.deadlines(pack, make_facts(), events=events), ClockKind.S47_VISIT)
        assert (found.rule_id, found.due_at) == (expected, deadline.due_at)


def test_R001_13_R002_11_an_action_is_due_by_the_end_of_its_date(england, make_facts):
    events = {StartEvent.ACTION_DUE_DATE: at("2026-05-04T00:00:00+01:00")}  # a bank holiday
    deadline = governing(
        engine.deadlines(england, make_facts(), events=events), ClockKind.ACTION_DUE
    )
    assert deadline.rule_id == "england.action_due"
    assert deadline.due_at.isoformat() == "2026-05-04T23:59:59+01:00"


def test_R001_4_R002_4_social_care_police_and_health_must_attend(england, make_facts):
    required = {
        a.rule_id: a
        for a in engine.required_attendance(england, make_facts())
        if a.requirement is Requirement.MANDATORY
    }
    assert Role.TEAM_MANAGER in required["england.attendance.social_care"].roles
    assert required["england.attendance.police"].roles == (Role.POLICE_OFFICER,)
    assert Role.HEALTH_VISITOR in required["england.attendance.health"].roles


def test_R001_4_referring_agency_attends_where_possible(england, make_facts):
    [referrer] = [
        a
        for a in engine.required_attendance(england, make_facts())
        if a.party is Party.REFERRING_AGENCY
    ]
    assert referrer.rule_id == "england.attendance.referring_agency"
    assert referrer.requirement is Requirement.ADVISORY


def test_R002_10_R003_5_parents_and_carers_are_never_invited(england, make_facts):
    [excluded] = [
        a
        for a in engine.required_attendance(england, make_facts())
        if a.requirement is Requirement.EXCLUDED
    ]
    assert excluded.rule_id == "england.attendance.parents_carers"
    assert excluded.party is Party.PARENTS_CARERS


def test_R001_5_a_social_care_manager_chairs_and_authorises(england, make_facts):
    facts = make_facts()
    assert engine.may_chair(england, facts, [Role.HEAD_OF_SERVICE])
    assert engine.may_authorise(england, facts, [Role.SOCIAL_WORKER, Role.TEAM_MANAGER])
    assert not engine.may_chair(england, facts, [Role.POLICE_OFFICER])
    assert not engine.may_authorise(england, facts, [Role.SOCIAL_WORKER])
    chair = [r for r in explain(england, facts, events={}).rules if r.kind == "chair"]
    assert [r.rule_id for r in chair] == ["england.chair"]


@pytest.mark.parametrize("decision", list(Decision))
def test_R002_7_R002_11_R001_8_every_record_has_the_core_sections(england, make_facts, decision):
    sections = engine.required_sections(england, make_facts(), decision)
    by_section = {s.section: s.rule_ids for s in sections}
    for section in (RecordSection.DECISION, RecordSection.DECISION_REASONS, RecordSection.ACTIONS):
        assert "england.record.every_decision" in by_section[section]
    assert (RecordSection.S47_PLAN in by_section) is decision.starts_s47


def test_R002_5_R002_6_R001_13_s47_decisions_need_the_s47_plan(england, make_facts):
    sections = engine.required_sections(england, make_facts(), Decision.S47_JOINT)
    planned = {s.section for s in sections if "england.record.s47" in s.rule_ids}
    assert planned == {
        RecordSection.S47_PLAN,
        RecordSection.CRIMINAL_INVESTIGATION,
        RecordSection.IMMEDIATE_PROTECTION,
        RecordSection.FAMILY_COMMUNICATION,
    }
    # Agenda order, so the record form can follow it.
    order = list(RecordSection)
    assert [s.section for s in sections] == sorted((s.section for s in sections), key=order.index)


def test_R004_8_default_escalation_is_data(england):
    day = at("2026-03-04T10:00:00+00:00").date()
    convene = engine.escalation_levels(england, ClockKind.CONVENE, on=day)
    assert [(s.rule_id, s.roles, s.after_working_days) for s in convene] == [
        ("england.escalation.convene", (Role.TEAM_MANAGER,), 0),
        ("england.escalation.convene", (Role.HEAD_OF_SERVICE,), 1),
    ]
    icpc = engine.escalation_levels(england, ClockKind.ICPC, on=day)
    assert {s.rule_id for s in icpc} == {"england.escalation.follow_through"}
    actions = engine.escalation_levels(england, ClockKind.ACTION_DUE, on=day)
    assert actions[0].rule_id == "england.escalation.actions"
    assert actions[0].parties == (Party.ACTION_OWNER_AGENCY,)


def test_england_does_not_include_the_2014_standard(england, make_facts):
    assert [pack_id for pack_id, _ in england.lineage] == ["england"]
    events = {StartEvent.DISCUSSION_HELD: at("2026-03-04T14:00:00+00:00")}
    clocks = {d.clock for d in engine.deadlines(england, make_facts(), events=events)}
    # Issue 11: every concern is on a clock from receipt; triage is the England default.
    assert clocks == {ClockKind.CONVENE, ClockKind.TRIAGE}


def test_R002_2_every_concern_has_a_triage_clock_a_convene_default(england, make_facts):
    facts = make_facts(received_at="2026-03-06T16:30:00+00:00")  # a Friday
    deadline = governing(engine.deadlines(england, facts, events={}), ClockKind.TRIAGE)
    assert deadline.rule_id == "england.triage"
    assert deadline.due_at.isoformat() == "2026-03-09T23:59:59+00:00"  # end of Monday
    assert deadline.basis is Basis.DEFAULT
    assert "not statutory" in deadline.summary


def test_R002_2_R004_8_a_late_triage_escalates_to_the_team_manager_then_head_of_service(
    england, make_facts
):
    steps = engine.escalation_levels(england, ClockKind.TRIAGE, on=make_facts().reference_date)
    assert [(s.rule_id, s.roles, s.after_working_days) for s in steps] == [
        ("england.escalation.triage", (Role.TEAM_MANAGER,), 0),
        ("england.escalation.triage", (Role.HEAD_OF_SERVICE,), 1),
    ]


def test_R000_1_someone_18_or_older_is_asked_for_a_reason(england, make_facts):
    [asked] = engine.reasons_asked(england, make_facts(aged_18_or_over=True))
    assert asked.rule_id == "england.reason.aged_18_or_over"
    assert "18 or older" in asked.question
    assert engine.reasons_asked(england, make_facts()) == []


def test_R002_1_the_baseline_cites_working_together_2023_in_force_from_15_december_2023(
    england,
):
    assert england.documents["england"]["wt"].title.startswith(
        "Working Together to Safeguard Children 2023"
    )
    assert {rule.effective_from.isoformat() for rule in england.rules} == {"2023-12-15"}
    # Every local rule that replaces a baseline rule says how it reads it differently.
    for pack_id in ("gloucestershire", "halton", "warwickshire"):
        for rule in load_pack(pack_id).rules:
            if any(target.startswith("england.") for target in rule.replaces):
                assert rule.interpretation, rule.id


def test_R001_7_each_agencys_check_is_due_by_the_meetings_start_and_never_held_back(
    england, make_facts
):
    from convene.policy.agency_checks import agency_check_terms

    start, arranged = at("2026-03-05T10:00:00+00:00"), at("2026-03-03T15:00:00+00:00")
    terms = agency_check_terms(england, make_facts())
    assert terms.rule_id == "england.agency_check.default"
    assert terms.due_at(starts_at=start, arranged_at=arranged) == start
    assert terms.hold_back_until_start is False
    assert "R001.7" in terms.citation.requirements
    urgent = agency_check_terms(england, make_facts(immediate_risk=True))
    assert urgent.rule_id == "england.agency_check.immediate_risk"
    # A lead time never makes a check due before the discussion was arranged.
    early = replace(urgent, lead_hours=48)
    assert early.due_at(starts_at=start, arranged_at=arranged) == arranged
