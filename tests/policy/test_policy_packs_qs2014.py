"""The 2014 quality standards (seed 002), through the packs that include them."""

from datetime import datetime

import pytest

from convene.people.vocab import Role
from convene.policy import engine
from convene.policy.vocab import (
    ClockKind,
    Decision,
    Party,
    RecordSection,
    Requirement,
    StartEvent,
)

at = datetime.fromisoformat


def deadline(pack, facts, events, clock):
    [found] = [d for d in engine.deadlines(pack, facts, events=events) if d.clock == clock]
    return found


@pytest.mark.parametrize("pack_id", ["gloucestershire", "halton", "warwickshire"])
def test_the_local_packs_include_the_2014_standard(request, pack_id):
    pack = request.getfixturevalue(pack_id)
    assert ("qs2014", "2014.1") in pack.lineage


def test_R002_4_chaired_by_a_deputy_team_manager_or_team_manager(halton, make_facts):
    facts = make_facts()
    # The baseline allows any social care manager; the standard narrows it.
    assert engine.chair_roles(halton, facts) == {Role.DEPUTY_TEAM_MANAGER, Role.TEAM_MANAGER}
    assert engine.authorise_roles(halton, facts) == {Role.DEPUTY_TEAM_MANAGER, Role.TEAM_MANAGER}
    assert not engine.may_chair(halton, facts, [Role.HEAD_OF_SERVICE])
    assert engine.may_chair(halton, facts, [Role.DEPUTY_TEAM_MANAGER])
    applied = {r.id for r in engine.applicable_rules(halton, facts)}
    assert {"qs2014.chair", "england.chair"} <= applied


def test_R002_4_police_and_a_health_professional_as_a_minimum(halton, make_facts):
    attendance = {a.rule_id: a for a in engine.required_attendance(halton, make_facts())}
    police = attendance["qs2014.attendance.police"]
    health = attendance["qs2014.attendance.health"]
    assert police.requirement is health.requirement is Requirement.MANDATORY
    assert police.roles == (Role.POLICE_OFFICER,)
    assert {Role.HEALTH_PROFESSIONAL, Role.PAEDIATRICIAN} <= set(health.roles)
    others = attendance["qs2014.attendance.contributors"]
    assert (others.party, others.requirement) == (
        Party.INVOLVED_PROFESSIONALS,
        Requirement.ADVISORY,
    )


def test_R002_10_parents_and_carers_are_explicitly_not_invited(warwickshire, make_facts):
    attendance = {a.rule_id: a for a in engine.required_attendance(warwickshire, make_facts())}
    rule = attendance["qs2014.attendance.parents_carers"]
    assert (rule.party, rule.requirement) == (Party.PARENTS_CARERS, Requirement.EXCLUDED)
    assert rule.citation.requirements == ("R002.10",)


def test_R002_7_R002_11_every_record_names_the_risks_behind_the_decision(halton, make_facts):
    sections = engine.required_sections(halton, make_facts(), Decision.NO_FURTHER_ACTION)
    by_section = {s.section: s.rule_ids for s in sections}
    assert "qs2014.record.every_decision" in by_section[RecordSection.RISK_ASSESSMENT]
    assert RecordSection.S47_PLAN not in by_section


def test_R002_5_R002_6_R002_11_s47_records_plan_the_enquiries(warwickshire, make_facts):
    sections = engine.required_sections(warwickshire, make_facts(), Decision.S47_SINGLE_AGENCY)
    from_standard = {s.section for s in sections if "qs2014.record.s47" in s.rule_ids}
    assert from_standard == {
        RecordSection.S47_PLAN,
        RecordSection.CRIMINAL_INVESTIGATION,
        RecordSection.FAMILY_COMMUNICATION,
        RecordSection.IMMEDIATE_PROTECTION,
        RecordSection.LADO_LEGAL,
        RecordSection.ACTIONS,
    }


def test_R002_13_single_assessment_sets_a_date_to_reconvene(halton, make_facts):
    sections = engine.required_sections(halton, make_facts(), Decision.SINGLE_ASSESSMENT)
    [reconvene] = [s for s in sections if s.section is RecordSection.RECONVENE_DATE]
    assert reconvene.rule_ids == ("qs2014.record.single_assessment",)
    for decision in (Decision.S47_JOINT, Decision.CHILD_IN_NEED):
        assert RecordSection.RECONVENE_DATE not in {
            s.section for s in engine.required_sections(halton, make_facts(), decision)
        }


def test_R002_13_reconvene_by_the_end_of_the_date_set_in_the_record(halton, make_facts):
    events = {StartEvent.RECONVENE_DATE: at("2026-05-20T00:00:00+01:00")}
    found = deadline(halton, make_facts(), events, ClockKind.RECONVENE)
    assert found.rule_id == "qs2014.reconvene"
    assert found.due_at.isoformat() == "2026-05-20T23:59:59+01:00"


def test_R002_8_record_out_within_one_working_day_wherever_possible(halton, make_facts):
    # Held on a Friday afternoon: due by the end of Monday, and advisory.
    events = {StartEvent.DISCUSSION_HELD: at("2026-03-06T16:00:00+00:00")}
    found = deadline(halton, make_facts(), events, ClockKind.RECORD_DISTRIBUTED)
    assert found.rule_id == "qs2014.record_distributed"
    assert found.due_at.isoformat() == "2026-03-09T23:59:59+00:00"
    assert found.advisory


def test_R002_9_referrer_and_absent_agencies_told_within_one_working_day(
    gloucestershire, make_facts
):
    # Held on the Thursday before Easter: Good Friday and Easter Monday do not count.
    events = {StartEvent.DISCUSSION_HELD: at("2026-04-02T11:00:00+01:00")}
    found = deadline(gloucestershire, make_facts(), events, ClockKind.OUTCOME_NOTIFIED)
    assert found.rule_id == "qs2014.outcome_notified"
    assert found.due_at.isoformat() == "2026-04-07T23:59:59+01:00"
    assert not found.advisory


def test_R002_12_icpc_from_the_standard_agrees_with_the_baseline(halton, make_facts):
    events = {StartEvent.S47_DECIDED: at("2026-03-09T15:00:00+00:00")}
    icpc = [d for d in engine.deadlines(halton, make_facts(), events=events) if d.clock == "icpc"]
    assert [(d.rule_id, d.governing) for d in icpc] == [
        ("england.icpc", True),
        ("qs2014.icpc", False),
    ]
    assert icpc[0].due_at == icpc[1].due_at
