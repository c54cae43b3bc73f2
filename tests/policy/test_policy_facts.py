"""The facts of a case: the JSON format, its errors, and its match with the rule conditions."""

import dataclasses
import json
from datetime import datetime

import pytest

from convene.people.vocab import ConcernCategory, ExploitationRating, LegalStatus
from convene.policy.facts import (
    CaseFacts,
    FactsInvalid,
    facts_to_dict,
    parse_facts,
    parse_facts_document,
)
from convene.policy.schema import Conditions
from convene.policy.vocab import Decision, Pathway, StartEvent

EXAMPLE = {
    "received_at": "2026-03-07T10:15:00+00:00",
    "significant_harm_suspected": True,
    "categories": ["physical", "serious_physical_injury"],
    "immediate_risk": True,
    "legal_status": "child_in_care",
    "unborn": False,
    "in_hospital": True,
    "medical_needed": True,
    "forensic_evidence_needed": False,
    "complex_concerns": False,
    "ongoing_risk": False,
    "exploitation_rating": "not_screened",
    "agencies_key_to_planning": 2,
    "review_requested": False,
    "new_information": False,
    "pathway": None,
    "decision": None,
    "events": {"discussion_requested": "2026-03-07T10:30:00+00:00"},
}


def test_a_full_facts_document():
    document = parse_facts_document(json.dumps(EXAMPLE))
    facts = document.facts
    assert facts.received_at == datetime.fromisoformat("2026-03-07T10:15:00+00:00")
    assert facts.categories == {ConcernCategory.PHYSICAL, ConcernCategory.SERIOUS_PHYSICAL_INJURY}
    assert facts.legal_status is LegalStatus.CHILD_IN_CARE
    assert facts.agencies_key_to_planning == 2
    assert document.events == {
        StartEvent.DISCUSSION_REQUESTED: datetime.fromisoformat("2026-03-07T10:30:00+00:00")
    }


def test_only_received_at_and_the_threshold_are_required():
    facts = parse_facts(
        {"received_at": "2026-03-07T10:15:00Z", "significant_harm_suspected": False}
    )
    assert facts == CaseFacts(
        received_at=datetime.fromisoformat("2026-03-07T10:15:00+00:00"),
        significant_harm_suspected=False,
    )
    assert facts.exploitation_rating is ExploitationRating.NOT_SCREENED
    assert facts.pathway is None


def test_round_trip_through_json():
    facts = parse_facts_document(json.dumps(EXAMPLE)).facts
    chosen = dataclasses.replace(
        facts, pathway=Pathway.STRATEGY_MEETING, decision=Decision.S47_JOINT
    )
    assert parse_facts(json.loads(json.dumps(facts_to_dict(chosen)))) == chosen


def test_every_problem_is_reported_by_key():
    bad = {
        "received_at": "2026-03-07T10:15:00",  # no offset
        "significant_harm_suspected": "yes",
        "categories": ["physical", "witchcraft"],
        "agencies_key_to_planning": -1,
        "immedate_risk": True,
        "events": {"tea_time": "2026-03-07T16:00:00+00:00"},
    }
    with pytest.raises(FactsInvalid) as raised:
        parse_facts_document(json.dumps(bad))
    keys = {problem.split(":")[0] for problem in raised.value.problems}
    assert keys == {
        "received_at",
        "significant_harm_suspected",
        "categories.1",
        "agencies_key_to_planning",
        "immedate_risk",
        "events.tea_time.[key]",
    }
    assert "received_at: needs a UTC offset, e.g. 2026-03-07T10:15:00+00:00" in (
        raised.value.problems
    )
    assert "immedate_risk: unknown key" in raised.value.problems


@pytest.mark.parametrize("text", ["not json", "[1, 2]"])
def test_a_document_that_is_not_a_json_object(text):
    with pytest.raises(FactsInvalid, match=r"\(document\)"):
        parse_facts_document(text)


def test_case_facts_refuse_a_naive_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        CaseFacts(received_at=datetime(2026, 3, 7, 10), significant_harm_suspected=True)


def test_the_reference_date_is_the_london_date():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    facts = parse_facts(
        {"received_at": "2026-06-30T23:30:00+00:00", "significant_harm_suspected": True}
    )
    assert facts.reference_date.isoformat() == "2026-07-01"


def test_missing_episode_and_allegation_against_staff_come_from_the_categories():
    facts = parse_facts(
        {
            "received_at": "2026-03-07T10:15:00+00:00",
            "significant_harm_suspected": True,
            "categories": ["missing_episode", "allegation_against_staff"],
        }
    )
    assert facts.missing_episode
    assert facts.allegation_against_staff


def test_every_condition_of_a_rule_names_a_fact():
    names = set(Conditions.model_fields) - {"any"}
    for name in names:
        assert hasattr(CaseFacts, name) or name in {f.name for f in dataclasses.fields(CaseFacts)}
    # ...and every fact except the reference time can be a condition.
    fields = {f.name for f in dataclasses.fields(CaseFacts)} - {"received_at"}
    assert fields <= names


def test_R001_2_every_concern_type_of_the_procedure_is_a_category():
    # Physical, emotional, sexual abuse, neglect; FGM, honour-based violence;
    # radicalisation, sexual and criminal exploitation.
    named = [
        "physical",
        "emotional",
        "sexual",
        "neglect",
        "fgm",
        "honour_based_abuse",
        "radicalisation",
        "cse",
        "cce",
    ]
    facts = parse_facts(
        {
            "received_at": "2026-03-07T10:15:00+00:00",
            "significant_harm_suspected": True,
            "categories": named,
        }
    )
    assert {str(c) for c in facts.categories} == set(named)
