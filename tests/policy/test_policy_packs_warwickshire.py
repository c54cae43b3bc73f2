"""Warwickshire (seed 003), rule by rule, through the engine."""

from datetime import datetime

from convene.policy import engine
from convene.policy.vocab import (
    ClockKind,
    Decision,
    Party,
    Pathway,
    RecordSection,
    Requirement,
    StartEvent,
)

at = datetime.fromisoformat


def sections(pack, facts, decision):
    return {s.section: s.rule_ids for s in engine.required_sections(pack, facts, decision)}


def test_R003_1_immediate_risk_strategy_meeting(warwickshire, make_facts):
    recommendation = engine.recommend_pathway(warwickshire, make_facts(immediate_risk=True))
    assert recommendation.pathway is Pathway.STRATEGY_MEETING
    assert recommendation.rule_id == "warwickshire.pathway.immediate_risk_meeting"
    assert recommendation.citation.requirements == ("R003.1",)
    # Not immediate: the baseline strategy discussion.
    assert engine.recommend_pathway(warwickshire, make_facts()).pathway is (
        Pathway.STRATEGY_DISCUSSION
    )


def test_R003_1_the_meeting_is_still_held_the_same_day(warwickshire, make_facts):
    facts = make_facts(received_at="2026-03-08T18:00:00+00:00", immediate_risk=True)  # Sunday
    [convene] = [
        d for d in engine.deadlines(warwickshire, facts, events={}) if d.clock == "convene"
    ]
    assert convene.due_at.isoformat() == "2026-03-08T23:59:59+00:00"


def test_R003_8_s47_visit_within_24_hours_across_the_clock_change(warwickshire, make_facts):
    # Decided at noon GMT on the Saturday before the clocks go forward.
    events = {StartEvent.S47_DECIDED: at("2026-03-28T12:00:00+00:00")}
    [visit] = [
        d
        for d in engine.deadlines(warwickshire, make_facts(), events=events)
        if d.clock == ClockKind.S47_VISIT
    ]
    assert visit.rule_id == "warwickshire.s47_visit"
    assert visit.due_at.isoformat() == "2026-03-29T13:00:00+01:00"
    assert (visit.due_at - visit.started_at).total_seconds() == 24 * 3600


def test_R003_1_R003_4_the_referrer_must_attend_and_bring_their_records(warwickshire, make_facts):
    found = {a.rule_id: a for a in engine.required_attendance(warwickshire, make_facts())}
    referrer = found["warwickshire.attendance.referrer"]
    assert (referrer.party, referrer.requirement) == (Party.REFERRING_AGENCY, Requirement.MANDATORY)
    assert "attendance" in referrer.summary
    assert "england.attendance.referring_agency" not in found
    setting = found["warwickshire.attendance.child_setting"]
    assert (setting.party, setting.requirement) == (Party.CHILD_SETTING, Requirement.ADVISORY)


def test_R003_5_family_members_are_not_invited(warwickshire, make_facts):
    excluded = {
        a.party: a.rule_id
        for a in engine.required_attendance(warwickshire, make_facts())
        if a.requirement is Requirement.EXCLUDED
    }
    assert excluded[Party.FAMILY_MEMBERS] == "warwickshire.attendance.family_members"
    assert Party.PARENTS_CARERS in excluded


def test_R003_2_R003_3_R003_6_every_record_has_the_analysis_and_each_view(warwickshire, make_facts):
    found = sections(warwickshire, make_facts(), Decision.NO_FURTHER_ACTION)
    assert "warwickshire.record.every_decision" in found[RecordSection.ANALYSIS]
    assert "warwickshire.record.every_decision" in found[RecordSection.PROFESSIONAL_VIEWS]


def test_R003_2_R003_5_R003_6_s47_by_social_care_or_jointly(warwickshire, make_facts):
    for decision in (Decision.S47_SINGLE_AGENCY, Decision.S47_JOINT):
        found = sections(warwickshire, make_facts(), decision)
        assert "warwickshire.record.s47" in found[RecordSection.FAMILY_COMMUNICATION]
        assert "warwickshire.record.s47" in found[RecordSection.IMMEDIATE_PROTECTION]


def test_R003_7_medical_when_injury_unexplained_or_assault_disclosed(warwickshire, make_facts):
    found = sections(warwickshire, make_facts(medical_needed=True), Decision.CHILD_IN_NEED)
    assert found[RecordSection.MEDICAL_ASSESSMENT] == ("warwickshire.record.medical",)
    assert RecordSection.MEDICAL_ASSESSMENT not in sections(
        warwickshire, make_facts(), Decision.CHILD_IN_NEED
    )


def test_R003_7_achieving_best_evidence_when_criminal_action_is_considered(
    warwickshire, make_facts
):
    joint = sections(warwickshire, make_facts(), Decision.S47_JOINT)
    assert joint[RecordSection.ABE_INTERVIEW] == ("warwickshire.record.abe",)
    single = sections(warwickshire, make_facts(), Decision.S47_SINGLE_AGENCY)
    assert RecordSection.ABE_INTERVIEW not in single
