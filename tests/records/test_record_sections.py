"""The record's parts: schemas, completeness, text. Pure: no database."""

from __future__ import annotations

import pytest

from convene.policy.vocab import Decision, RecordSection
from convene.records import sections
from convene.records.sections import ContentInvalid, is_complete, parse_content, part, part_of


def test_every_section_a_pack_can_require_has_a_part_and_a_title():
    for section in RecordSection:
        assert part_of(section).title
        assert sections.SECTION_TITLES[section]
    assert part_of(RecordSection.DECISION_REASONS).section == RecordSection.DECISION


def test_parts_are_found_by_slug_and_value():
    assert part("s47-plan").section == RecordSection.S47_PLAN
    assert part("s47_plan").section == RecordSection.S47_PLAN
    with pytest.raises((KeyError, ValueError)):
        part("nothing")


def test_unknown_keys_and_wrong_types_are_refused():
    with pytest.raises(ContentInvalid) as error:
        parse_content(RecordSection.INTRODUCTION, {"reason": "x", "surprise": 1})
    assert "surprise" in str(error.value)
    with pytest.raises(ContentInvalid):
        parse_content(RecordSection.DECISION, {"decision": "arrest everyone"})


def test_content_is_stripped_and_canonical():
    content = parse_content(RecordSection.INTRODUCTION, {"reason": "  bruising  "})
    assert content["reason"] == "bruising"
    assert set(content) == {
        "reason",
        "child_background",
        "parents_carers",
        "relevant_others",
        "not_for_family",
    }


def _contents(**by_section):
    return {RecordSection(key): value for key, value in by_section.items()}


def test_R002_11_the_decision_is_complete_but_its_reasons_are_a_section_of_their_own():
    contents = _contents(decision={"decision": "no_further_action"})
    assert is_complete(RecordSection.DECISION, contents)
    assert not is_complete(RecordSection.DECISION_REASONS, contents)
    contents = _contents(decision={"decision": "no_further_action", "reasons": "Explained"})
    assert is_complete(RecordSection.DECISION_REASONS, contents)


def test_R002_13_a_single_assessment_needs_the_date_to_reconvene():
    contents = _contents(
        decision={"decision": "single_assessment", "reasons": "More to learn"},
        reconvene_date={"none_planned": True},
    )
    assert is_complete(RecordSection.DECISION, contents)
    assert not is_complete(RecordSection.RECONVENE_DATE, contents)
    contents[RecordSection.DECISION]["reconvene_on"] = "2026-04-01"
    assert is_complete(RecordSection.RECONVENE_DATE, contents)


def test_R001_14_next_discussion_is_a_date_or_none_planned():
    assert not is_complete(RecordSection.RECONVENE_DATE, {})
    assert is_complete(
        RecordSection.RECONVENE_DATE, _contents(reconvene_date={"none_planned": True})
    )
    assert is_complete(
        RecordSection.RECONVENE_DATE, _contents(reconvene_date={"next_on": "2026-05-01"})
    )


def test_R001_7_attendance_needs_every_status_and_the_agency_authority_confirmed():
    row = {"professional_id": 1, "name": "Carol Clarke", "agency": "Police", "role": "DC"}
    contents = _contents(
        attendance={"rows": [row], "agency_information_confirmed": True, "format": "meeting"}
    )
    assert not is_complete(RecordSection.ATTENDANCE, contents)
    contents[RecordSection.ATTENDANCE]["rows"][0]["status"] = "attended"
    assert is_complete(RecordSection.ATTENDANCE, contents)
    contents[RecordSection.ATTENDANCE]["agency_information_confirmed"] = False
    assert not is_complete(RecordSection.ATTENDANCE, contents)


def test_attendance_lists_each_person_once():
    row = {"professional_id": 1, "status": "attended"}
    with pytest.raises(ContentInvalid):
        parse_content(RecordSection.ATTENDANCE, {"rows": [row, row]})


def test_R003_5_withholding_from_the_family_needs_a_reason():
    assert not is_complete(
        RecordSection.FAMILY_COMMUNICATION, _contents(family_communication={"sharing": "none"})
    )
    assert is_complete(
        RecordSection.FAMILY_COMMUNICATION,
        _contents(family_communication={"sharing": "none", "reason_withheld": "Police enquiry"}),
    )
    assert is_complete(
        RecordSection.FAMILY_COMMUNICATION,
        _contents(family_communication={"sharing": "all", "who_and_when": "Alice, today"}),
    )


def test_R001_13_actions_say_who_what_when_and_why():
    action = {
        "key": "0123abcd",
        "owner_kind": "agency",
        "owner_id": 3,
        "owner_name": "Shire Constabulary",
        "what": "Check records",
        "why": "History of the adults",
        "due_on": "2026-03-06",
    }
    content = parse_content(RecordSection.ACTIONS, {"actions": [action]})
    assert is_complete(RecordSection.ACTIONS, {RecordSection.ACTIONS: content})
    for missing in ("what", "why", "due_on", "owner_id"):
        with pytest.raises(ContentInvalid):
            parse_content(RecordSection.ACTIONS, {"actions": [{**action, missing: ""}]})
    assert is_complete(RecordSection.ACTIONS, _contents(actions={"none_agreed": True}))


def test_R001_10_risk_factors_none_cannot_go_with_a_factor():
    with pytest.raises(ContentInvalid):
        parse_content(
            RecordSection.RISK_ASSESSMENT, {"risk_factors": ["none_identified", "domestic_abuse"]}
        )


def test_every_part_renders_empty_content_without_items():
    for each in sections.PARTS:
        assert sections.items(each.section, {}) == [] or each.section == RecordSection.ACTIONS


def test_is_started_compares_with_empty_content():
    assert not sections.is_started(RecordSection.INTRODUCTION, None)
    assert not sections.is_started(RecordSection.INTRODUCTION, {"reason": " "})
    assert sections.is_started(RecordSection.INTRODUCTION, {"reason": "Bruise"})


def test_decision_labels_cover_every_decision():
    assert set(sections.DECISION_LABELS) == set(Decision)
    assert set(sections.DECISION_HINTS) == set(Decision)
