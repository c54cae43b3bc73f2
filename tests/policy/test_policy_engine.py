"""The engine's own behaviour: versions by reference date, choice of pathway, explanations."""

import dataclasses
import json
from datetime import datetime

import pytest

from convene.people.vocab import ConcernCategory, Role
from convene.policy import engine
from convene.policy.explain_text import explanation_to_dict, render_text
from convene.policy.explanation import explain
from convene.policy.vocab import ClockKind, Decision, Pathway, StartEvent

at = datetime.fromisoformat


def visit(pack, facts):
    events = {StartEvent.S47_DECIDED: at("2026-02-02T09:00:00+00:00")}
    [found] = [d for d in engine.deadlines(pack, facts, events=events) if d.clock == "s47_visit"]
    return found


def test_the_rules_in_force_on_the_day_the_referral_was_received_govern(good_pack, make_facts):
    pack = good_pack("versioned")
    # Received late on 31 December 2025: the 48-hour version, even though the
    # visit clock starts in 2026 under the 24-hour version.
    old = visit(pack, make_facts(received_at="2025-12-31T23:30:00+00:00"))
    new = visit(pack, make_facts(received_at="2026-01-01T00:30:00+00:00"))
    assert (old.amount, new.amount) == (48, 24)
    assert old.citation.paragraph == "1"
    assert new.citation.paragraph == "2"


def test_a_pack_change_never_rewrites_a_past_deadline(good_pack, make_facts):
    # The case was decided under the 2025 rules: explaining it again with the
    # current pack gives the deadline it had, and the ref it stores.
    pack = good_pack("versioned")
    facts = make_facts(received_at="2025-06-30T23:30:00+00:00")  # 1 July 2025, London
    assert visit(pack, facts).due_at.isoformat() == "2026-02-04T09:00:00+00:00"
    assert explain(pack, facts, events={}).policy == pack.ref


def test_a_replacing_rule_applies_only_from_its_own_start(good_pack, make_facts):
    pack = good_pack("versioned")
    requested = {StartEvent.DISCUSSION_REQUESTED: at("2026-03-04T12:00:00+00:00")}
    new = engine.deadlines(pack, make_facts(), events=requested)
    assert [d.rule_id for d in new if d.clock == "convene"] == ["versioned.convene"]
    old = engine.deadlines(pack, make_facts(received_at="2025-03-04T10:00:00+00:00"), events={})
    assert [d.rule_id for d in old if d.clock == "convene"] == ["england.convene.default"]


def test_no_matching_pathway_rule_leaves_it_to_the_manager(good_pack, make_facts):
    pack = good_pack("minimal")
    recommendation = engine.recommend_pathway(pack, make_facts(significant_harm_suspected=False))
    assert recommendation.pathway is None
    assert recommendation.rule_id is None
    assert "the manager decides" in recommendation.reasons[0]


def test_the_chosen_pathway_is_what_other_rules_see(halton, make_facts):
    missing = make_facts(categories={ConcernCategory.MISSING_EPISODE})
    assert engine.effective_pathway(halton, missing) is Pathway.TRIGGER_MEETING
    chosen = dataclasses.replace(missing, pathway=Pathway.STRATEGY_MEETING)
    assert engine.effective_pathway(halton, chosen) is Pathway.STRATEGY_MEETING
    # The recommendation itself does not change with the choice.
    assert engine.recommend_pathway(halton, chosen).pathway is Pathway.TRIGGER_MEETING


def test_no_chair_rule_means_nobody_may_chair(good_pack, make_facts):
    pack = good_pack("minimal")
    assert engine.chair_roles(pack, make_facts()) == frozenset()
    assert not engine.may_chair(pack, make_facts(), list(Role))


def test_a_clock_without_a_rule_has_no_escalation(good_pack, make_facts):
    pack = good_pack("minimal")
    assert engine.escalation_levels(pack, ClockKind.CONVENE, on=make_facts().reference_date) == []


def test_explain_puts_it_all_together(halton, make_facts):
    facts = make_facts(received_at="2026-03-07T10:15:00+00:00", immediate_risk=True)
    events = {StartEvent.DISCUSSION_HELD: at("2026-03-07T16:00:00+00:00")}
    explanation = explain(halton, facts, events=events, now=at("2026-03-09T09:00:00+00:00"))
    assert explanation.pathway is Pathway.STRATEGY_DISCUSSION
    assert explanation.reference_date.isoformat() == "2026-03-07"
    assert {d.clock for d in explanation.deadlines} == {
        ClockKind.CONVENE,
        ClockKind.RECORD_DISTRIBUTED,
        ClockKind.OUTCOME_NOTIFIED,
    }
    convene = next(d for d in explanation.deadlines if d.clock == "convene")
    assert explanation.overdue(convene) is True
    assert set(explanation.sections) == set(Decision)
    assert ClockKind.CONVENE in explanation.escalations
    assert {a.clock for a in explanation.awaiting} >= {ClockKind.ICPC, ClockKind.ACTION_DUE}


def test_explain_with_a_decision_lists_only_its_sections(halton, make_facts):
    facts = make_facts(decision=Decision.SINGLE_ASSESSMENT)
    assert list(explain(halton, facts, events={}).sections) == [Decision.SINGLE_ASSESSMENT]


def test_explain_refuses_naive_times(halton, make_facts):
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        explain(halton, make_facts(), events={}, now=datetime(2026, 3, 9))
    with pytest.raises(ValueError, match="event s47_decided"):
        explain(halton, make_facts(), events={StartEvent.S47_DECIDED: datetime(2026, 3, 9)})


def test_the_json_form_has_iso_times_with_offsets_and_citations(halton, make_facts):
    facts = make_facts(received_at="2026-07-01T09:00:00+01:00", immediate_risk=True)
    data = explanation_to_dict(explain(halton, facts, events={}))
    assert json.loads(json.dumps(data)) == data
    [convene] = [d for d in data["deadlines"] if d["clock"] == "convene"]
    assert convene["due_at"] == "2026-07-01T23:59:59+01:00"
    assert convene["citation"]["requirements"] == ["R004.1", "R004.2"]
    assert convene["overdue"] is None  # no "now" given
    assert data["policy"]["id"] == "halton"
    assert data["recommendation"]["pathway"] == "strategy_discussion"
    assert data["facts"]["received_at"] == "2026-07-01T09:00:00+01:00"
    assert {r["rule_id"] for r in data["rules"]} >= {"halton.convene.immediate_risk"}


def test_the_text_form_cites_every_answer(halton, make_facts):
    facts = make_facts(categories={ConcernCategory.CSE}, immediate_risk=True)
    text = render_text(explain(halton, facts, events={}, now=at("2026-03-05T09:00:00+00:00")))
    assert "Pathway recommended: strategy_discussion" in text
    assert "convene: due 2026-03-04T23:59:59+00:00 OVERDUE  [halton.convene.immediate_risk]" in text
    assert "superseded by the earlier halton.convene.immediate_risk" in text
    assert "cites R004.1, R004.2: Halton local procedures" in text
    assert "excluded: parents_carers" in text
    assert "Chair: any of deputy_team_manager, team_manager" in text
