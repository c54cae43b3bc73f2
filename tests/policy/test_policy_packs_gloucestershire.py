"""Gloucestershire (seeds 000 and 001), rule by rule, through the engine."""

from datetime import datetime

from convene.people.vocab import ConcernCategory, ExploitationRating, LegalStatus, Role
from convene.policy import engine
from convene.policy.explanation import explain
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
CIC = LegalStatus.CHILD_IN_CARE


def attendance(pack, facts):
    return {a.rule_id: a for a in engine.required_attendance(pack, facts)}


def sections(pack, facts, decision):
    return {s.section: s.rule_ids for s in engine.required_sections(pack, facts, decision)}


def test_R001_1_R001_3_R000_1_significant_harm_strategy_discussion(gloucestershire, make_facts):
    recommendation = engine.recommend_pathway(gloucestershire, make_facts())
    assert recommendation.pathway is Pathway.STRATEGY_DISCUSSION
    assert recommendation.rule_id == "gloucestershire.pathway.strategy_discussion"
    # The local rule stands in for the baseline one, which is not even considered.
    applied = {r.id for r in engine.applicable_rules(gloucestershire, make_facts())}
    assert "england.pathway.strategy_discussion" not in applied


def test_R001_3_non_immediate_complex_concerns_strategy_meeting(gloucestershire, make_facts):
    complex_ = make_facts(complex_concerns=True)
    recommendation = engine.recommend_pathway(gloucestershire, complex_)
    assert recommendation.pathway is Pathway.STRATEGY_MEETING
    assert recommendation.rule_id == "gloucestershire.pathway.strategy_meeting_complex"
    # Immediate concerns need rapid action planning: a discussion, complex or not.
    immediate = make_facts(complex_concerns=True, immediate_risk=True)
    assert engine.recommend_pathway(gloucestershire, immediate).pathway is (
        Pathway.STRATEGY_DISCUSSION
    )


def test_R000_2_R000_3_child_in_care_with_ongoing_risk_hrpm_consideration(
    gloucestershire, make_facts
):
    facts = make_facts(
        significant_harm_suspected=False,
        legal_status=CIC,
        ongoing_risk=True,
        categories={ConcernCategory.CCE},
        exploitation_rating=ExploitationRating.MEDIUM,
    )
    recommendation = engine.recommend_pathway(gloucestershire, facts)
    assert recommendation.pathway is Pathway.HRPM_CONSIDERATION
    assert recommendation.rule_id == "gloucestershire.pathway.hrpm_consideration"
    assert not [
        d for d in engine.deadlines(gloucestershire, facts, events={}) if d.clock == "convene"
    ]


def test_R000_4_R000_1_an_hrpm_never_replaces_a_strategy_discussion(gloucestershire, make_facts):
    facts = make_facts(legal_status=CIC, ongoing_risk=True)
    assert engine.recommend_pathway(gloucestershire, facts).pathway is Pathway.STRATEGY_DISCUSSION
    convene = [
        d for d in engine.deadlines(gloucestershire, facts, events={}) if d.clock == "convene"
    ]
    assert [d.rule_id for d in convene] == ["england.convene.default"]


def test_R001_4_the_referring_agency_and_the_childs_setting_must_attend(
    gloucestershire, make_facts
):
    found = attendance(gloucestershire, make_facts())
    referrer = found["gloucestershire.attendance.referring_agency"]
    assert (referrer.party, referrer.requirement) == (Party.REFERRING_AGENCY, Requirement.MANDATORY)
    assert "england.attendance.referring_agency" not in found  # replaced: no longer advisory
    setting = found["gloucestershire.attendance.child_setting"]
    assert (setting.party, setting.requirement) == (Party.CHILD_SETTING, Requirement.MANDATORY)


def test_R001_4_paediatrician_where_a_medical_may_be_needed(gloucestershire, make_facts):
    assert "gloucestershire.attendance.paediatrician" not in attendance(
        gloucestershire, make_facts()
    )
    found = attendance(gloucestershire, make_facts(medical_needed=True))
    assert found["gloucestershire.attendance.paediatrician"].roles == (Role.PAEDIATRICIAN,)


def test_R001_4_pre_birth_midwifery_and_health_visiting(gloucestershire, make_facts):
    found = attendance(gloucestershire, make_facts(unborn=True))
    assert found["gloucestershire.attendance.midwife"].roles == (Role.MIDWIFE,)
    assert found["gloucestershire.attendance.health_visitor"].roles == (Role.HEALTH_VISITOR,)
    born = attendance(gloucestershire, make_facts())
    assert "gloucestershire.attendance.midwife" not in born
    assert "gloucestershire.attendance.health_visitor" not in born


def test_R001_4_child_in_care_foster_carer_and_where_possible_cic_nurse(
    gloucestershire, make_facts
):
    found = attendance(gloucestershire, make_facts(legal_status=CIC))
    carer = found["gloucestershire.attendance.foster_carer"]
    nurse = found["gloucestershire.attendance.cic_nurse"]
    assert (carer.roles, carer.requirement) == ((Role.FOSTER_CARER,), Requirement.MANDATORY)
    assert (nurse.roles, nurse.requirement) == ((Role.CIC_NURSE,), Requirement.ADVISORY)


def test_R001_5_social_care_manager_chairs_and_alone_authorises(gloucestershire, make_facts):
    facts = make_facts()
    rules = {r.id for r in engine.applicable_rules(gloucestershire, facts) if r.kind == "chair"}
    assert rules == {"gloucestershire.chair", "qs2014.chair"}
    assert engine.may_authorise(gloucestershire, facts, [Role.TEAM_MANAGER])
    for role in (Role.SOCIAL_WORKER, Role.POLICE_OFFICER, Role.PAEDIATRICIAN):
        assert not engine.may_authorise(gloucestershire, facts, [role])


def test_R001_11_R001_12_R001_10_agenda_introduction_and_information(gloucestershire, make_facts):
    found = sections(gloucestershire, make_facts(), Decision.CHILD_IN_NEED)
    assert "gloucestershire.record.introduction" in found[RecordSection.ATTENDANCE]
    assert "gloucestershire.record.introduction" in found[RecordSection.INTRODUCTION]
    assert "gloucestershire.record.information_sharing" in found[RecordSection.RISK_ASSESSMENT]


def test_R001_13_R001_6_s47_decision_making_agenda(gloucestershire, make_facts):
    found = sections(gloucestershire, make_facts(), Decision.S47_JOINT)
    for section in (
        RecordSection.CHILD_SEEN_ALONE,
        RecordSection.DIVERSITY_INTERPRETER,
        RecordSection.OTHER_CHILDREN,
        RecordSection.MEDICAL_ASSESSMENT,
        RecordSection.LADO_LEGAL,
    ):
        assert "gloucestershire.record.s47" in found[section]
    assert RecordSection.CHILD_SEEN_ALONE not in sections(
        gloucestershire, make_facts(), Decision.NO_FURTHER_ACTION
    )


def test_R001_13_child_in_hospital_safe_discharge(gloucestershire, make_facts):
    found = sections(gloucestershire, make_facts(in_hospital=True), Decision.CHILD_IN_NEED)
    assert found[RecordSection.SAFE_DISCHARGE] == ("gloucestershire.record.safe_discharge",)
    assert RecordSection.SAFE_DISCHARGE not in sections(
        gloucestershire, make_facts(), Decision.CHILD_IN_NEED
    )


def test_R001_14_close_next_discussion_and_record_distribution(gloucestershire, make_facts):
    found = sections(gloucestershire, make_facts(), Decision.NO_FURTHER_ACTION)
    assert found[RecordSection.RECONVENE_DATE] == ("gloucestershire.record.close",)
    assert found[RecordSection.RECORD_DISTRIBUTION] == ("gloucestershire.record.close",)


def test_R001_14_R000_2_icpc_arrangements_unless_on_a_plan_or_in_care(gloucestershire, make_facts):
    found = sections(gloucestershire, make_facts(), Decision.S47_SINGLE_AGENCY)
    assert found[RecordSection.ICPC_ARRANGEMENTS] == ("gloucestershire.record.icpc",)
    for status in (LegalStatus.CHILD_PROTECTION_PLAN, CIC):
        found = sections(gloucestershire, make_facts(legal_status=status), Decision.S47_JOINT)
        assert RecordSection.ICPC_ARRANGEMENTS not in found


def test_R001_14_R000_2_child_in_care_record_considers_an_hrpm(gloucestershire, make_facts):
    found = sections(gloucestershire, make_facts(legal_status=CIC), Decision.S47_JOINT)
    assert found[RecordSection.HRPM_CONSIDERATION] == ("gloucestershire.record.hrpm",)


def test_R001_14_R002_12_R000_2_icpc_15_working_days_except_plan_or_care(
    gloucestershire, make_facts
):
    events = {StartEvent.S47_DECIDED: at("2026-03-09T15:00:00+00:00")}
    icpc = [
        d
        for d in engine.deadlines(gloucestershire, make_facts(), events=events)
        if d.clock == "icpc"
    ]
    # One rule, the local one: the baseline and the standard are replaced.
    assert [(d.rule_id, d.due_at.isoformat()) for d in icpc] == [
        ("gloucestershire.icpc", "2026-03-30T23:59:59+01:00")
    ]
    for status in (LegalStatus.CHILD_PROTECTION_PLAN, CIC):
        clocks = engine.deadlines(gloucestershire, make_facts(legal_status=status), events=events)
        assert ClockKind.ICPC not in {d.clock for d in clocks}


def test_R000_3_hrpm_meets_monthly_clamped_to_the_end_of_a_short_month(gloucestershire, make_facts):
    events = {StartEvent.HRPM_HELD: at("2026-01-31T14:00:00+00:00")}
    [hrpm] = [
        d
        for d in engine.deadlines(gloucestershire, make_facts(legal_status=CIC), events=events)
        if d.clock == "hrpm"
    ]
    assert hrpm.rule_id == "gloucestershire.hrpm"
    assert hrpm.due_at.isoformat() == "2026-02-28T14:00:00+00:00"
    assert not [
        d
        for d in engine.deadlines(gloucestershire, make_facts(), events=events)
        if d.clock == "hrpm"
    ]


def test_gloucestershire_explanation_cites_its_own_documents(gloucestershire, make_facts):
    explanation = explain(gloucestershire, make_facts(complex_concerns=True), events={})
    assert explanation.recommendation.citation.document.startswith("Gloucestershire")
    assert explanation.policy.policy_id == "gloucestershire"
