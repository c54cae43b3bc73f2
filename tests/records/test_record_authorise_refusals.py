"""Authorising refuses while a section the policy requires is empty, naming exactly which (R001.5).

Parametrised over every shipped pack × every decision × every section that
``engine.required_sections`` gives for it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from convene.core.errors import NotAllowed
from convene.policy import engine
from convene.policy.facts import CaseFacts
from convene.policy.loader import available_packs, load_pack
from convene.policy.vocab import Decision, Pathway, RecordSection
from convene.records import sections, services
from convene.records.errors import RecordIncomplete
from convene.records.models import RecordSectionEntry, RecordVersion
from tests.records.conftest import AFTER, complete_content, fill

pytestmark = pytest.mark.django_db

_FACTS = CaseFacts(
    received_at=datetime(2026, 3, 4, 9, 0, tzinfo=UTC),
    significant_harm_suspected=True,
    pathway=Pathway.STRATEGY_DISCUSSION,
)
CASES = [
    pytest.param(pack, decision, requirement.section, id=f"{pack}-{decision}-{requirement.section}")
    for pack in available_packs()
    for decision in Decision
    for requirement in engine.required_sections(load_pack(pack), _FACTS, decision)
]


def _fill_directly(record, people, decision, *, without):
    """Every part complete for ``decision`` but ``without``, written straight to the draft."""
    entries = []
    for part in sections.PARTS:
        content = complete_content(part.section, record, people, decision)
        if part.section == without:
            content = part.empty()
        if without == RecordSection.DECISION_REASONS and part.section == RecordSection.DECISION:
            content["reasons"] = ""
        if without == RecordSection.RECONVENE_DATE and part.section == RecordSection.DECISION:
            content.pop("reconvene_on", None)
        entries.append(
            RecordSectionEntry(
                record=record,
                section=part.section.value,
                content=sections.parse_content(part.section, content),
                version=1,
                updated_by=people["bob"],
                updated_at=AFTER,
            )
        )
    RecordSectionEntry.objects.filter(record=record).delete()
    RecordSectionEntry.objects.bulk_create(entries)


def test_cases_cover_every_pack_and_decision():
    assert {p.values[0] for p in CASES} == set(available_packs())
    assert {p.values[1] for p in CASES} == set(Decision)


@pytest.mark.parametrize(("pack", "decision", "section"), CASES)
def test_R001_5_authorise_refuses_listing_the_one_missing_section(
    make_record, people, pack, decision, section
):
    record = make_record(pack=pack)
    _fill_directly(record, people, decision, without=section)
    with pytest.raises(RecordIncomplete) as refused:
        services.record_authorise(record=record, by=people["bob"], now=AFTER)
    assert [m.section for m in refused.value.missing] == [section]
    missing = refused.value.missing[0]
    assert missing.title in refused.value.message
    if section != RecordSection.DECISION:
        assert missing.rule_ids
        assert all(rule_id in refused.value.message for rule_id in missing.rule_ids)
    assert not RecordVersion.objects.filter(record=record).exists()
    record.discussion.refresh_from_db()
    assert record.discussion.state == "held"


@pytest.mark.parametrize("pack", available_packs())
def test_the_same_record_complete_is_authorised(make_record, people, pack):
    record = make_record(pack=pack)
    _fill_directly(record, people, Decision.S47_JOINT, without=None)
    version = services.record_authorise(record=record, by=people["bob"], now=AFTER)
    assert version.number == 1


@pytest.mark.parametrize("who", ["alice", "carol", "erin", "ivy", "nick", "ursula"])
def test_R001_5_only_a_social_care_manager_authorises(make_record, people, who):
    record = make_record()
    fill(record, people, Decision.S47_SINGLE_AGENCY)
    with pytest.raises(NotAllowed):
        services.record_authorise(record=record, by=people[who], now=AFTER)


def test_R002_4_a_head_of_service_may_not_authorise_under_the_2014_standard(make_record, people):
    # Halton includes qs2014: deputy team manager or team manager only.
    record = make_record(pack="halton")
    fill(record, people, Decision.S47_SINGLE_AGENCY)
    with pytest.raises(NotAllowed):
        services.record_authorise(record=record, by=people["hana"], now=AFTER)
    assert services.record_authorise(record=record, by=people["dina"], now=AFTER).number == 1


def test_england_lets_a_head_of_service_authorise(make_record, people):
    record = make_record(pack="england")
    fill(record, people, Decision.NO_FURTHER_ACTION)
    assert services.record_authorise(record=record, by=people["hana"], now=AFTER).number == 1
