"""Loading the shipped packs: lineage, replacement, versions, caching and identity."""

from datetime import date

import pytest

from convene.policy.engine import deadlines
from convene.policy.loader import (
    PACKS_DIR,
    UnknownPolicy,
    available_packs,
    available_standards,
    check_file,
    load_pack,
    load_pack_file,
)
from convene.policy.schema import PathwayRule


def test_the_shipped_packs_and_standards():
    assert available_packs() == ["england", "gloucestershire", "halton", "warwickshire"]
    assert available_standards() == ["qs2014"]


@pytest.mark.parametrize("path", sorted(PACKS_DIR.glob("**/*.toml")), ids=lambda p: p.stem)
def test_every_shipped_file_checks_clean(path):
    assert check_file(path) == []


def test_a_pack_carries_its_bases_and_standards(halton):
    assert halton.lineage == (("england", "2026.1"), ("qs2014", "2014.1"), ("halton", "2026.1"))
    assert halton.ref.policy_id == "halton"
    assert halton.ref.version == "2026.1"
    origins = {rule.id.split(".")[0] for rule in halton.rules}
    assert origins == {"england", "qs2014", "halton"}


def test_load_pack_is_cached_per_process():
    assert load_pack("halton") is load_pack("halton")


def test_an_unknown_policy_id():
    with pytest.raises(UnknownPolicy, match="no policy pack 'atlantis'; known: england"):
        load_pack("atlantis")


def test_the_digest_identifies_the_merged_content(halton, good_pack):
    again = load_pack_file(PACKS_DIR / "halton.toml")
    assert again is not halton
    assert again.digest == halton.digest
    # A pack built on Halton differs from it, though its own version string is the same.
    variant = good_pack("halton_variant")
    assert variant.version == halton.version
    assert variant.digest != halton.digest


def test_a_replaced_rule_is_gone_only_while_its_replacement_is_in_force(good_pack):
    pack = good_pack("versioned")
    before = {rule.id for rule in pack.rules_in_force(pack.rules[0].effective_from)}
    assert "england.convene.default" in before
    assert "versioned.convene" not in before
    after = {rule.id for rule in pack.rules_in_force(date(2026, 1, 1))}
    assert "england.convene.default" not in after
    assert "versioned.convene" in after


def test_adding_a_partnership_is_writing_a_file(good_pack, make_facts):
    pack = good_pack("halton_variant")
    facts = make_facts(received_at="2026-03-06T10:00:00+00:00", complex_concerns=True)
    [convene] = [d for d in deadlines(pack, facts, events={}) if d.clock == "convene"]
    assert convene.rule_id == "halton_variant.convene.complex"
    assert convene.due_at.isoformat() == "2026-03-10T23:59:59+00:00"


def test_pathway_priorities_are_distinct_in_every_shipped_pack():
    for pack_id in available_packs():
        pack = load_pack(pack_id)
        rules = [r for r in pack.rules if isinstance(r, PathwayRule)]
        assert len({r.priority for r in rules}) == len({r.id for r in rules})
