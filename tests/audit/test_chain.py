"""The hash chain as pure data: each kind of tampering is named at the right entry."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convene.audit.chain import (
    GENESIS,
    Anchor,
    Link,
    ProblemKind,
    entry_hash,
    verify_chain,
)


def _fields(n: int, summary: str | None = None) -> dict[str, str | int | None]:
    return {
        "at": f"2026-01-01T10:00:{n % 60:02d}.000000+00:00",
        "actor_id": n,
        "actor_username": f"user{n}",
        "action": "view",
        "object_type": "people.child",
        "object_id": str(n),
        "child_id": n,
        "summary": summary if summary is not None else f"Viewed child {n}",
        "remote_addr": "127.0.0.1",
    }


def build(count: int) -> list[Link]:
    links, prev = [], GENESIS
    for n in range(1, count + 1):
        fields = _fields(n)
        digest = entry_hash(fields, prev)
        links.append(Link(n, prev, digest, fields))
        prev = digest
    return links


def forge(sequence: int, prev_hash: str, summary: str) -> Link:
    """An entry written by someone who knows the algorithm and computes a valid hash."""
    fields = _fields(sequence, summary)
    return Link(sequence, prev_hash, entry_hash(fields, prev_hash), fields)


def verify(links: list[Link], anchor: Anchor | None = None):
    by_hash = {link.hash: link.sequence for link in links}
    return verify_chain(iter(links), owner_of=by_hash.get, anchor=anchor)


def test_an_untouched_chain_is_intact():
    result = verify(build(10))
    assert result.intact
    assert result.entries == 10
    assert result.head_sequence == 10


def test_an_empty_log_is_intact():
    result = verify([])
    assert result.intact
    assert result.entries == 0
    assert result.head_sequence is None


def test_the_hash_covers_every_field_and_the_previous_hash():
    fields = _fields(1)
    original = entry_hash(fields, GENESIS)
    for key in fields:
        assert entry_hash({**fields, key: "changed"}, GENESIS) != original, key
    assert entry_hash(fields, "1" * 64) != original


def test_a_changed_entry_is_reported_as_altered():
    links = build(6)
    links[3] = replace(links[3], fields={**links[3].fields, "summary": "Nothing to see"})
    result = verify(links)
    assert result.problem is not None
    assert result.problem.kind is ProblemKind.ALTERED
    assert result.problem.sequence == 4


def test_a_deleted_entry_is_reported_as_removed():
    links = build(6)
    del links[2]  # entry 3
    result = verify(links)
    assert result.problem.kind is ProblemKind.REMOVED
    assert result.problem.sequence == 3
    assert "#3 removed" in result.problem.message


def test_deleting_the_first_entry_is_reported():
    result = verify(build(4)[1:])
    assert result.problem.kind is ProblemKind.REMOVED
    assert result.problem.sequence == 1


def test_a_deletion_hidden_by_renumbering_is_still_found():
    links = build(6)
    del links[2]
    links = [replace(link, sequence=i) for i, link in enumerate(links, start=1)]
    result = verify(links)
    assert result.problem.kind is ProblemKind.REMOVED
    assert result.problem.sequence == 3


def test_an_inserted_entry_with_a_valid_hash_is_reported_as_inserted():
    links = build(5)
    forged = forge(3, links[1].hash, "A look that never happened")
    tail = [replace(link, sequence=link.sequence + 1) for link in links[2:]]
    result = verify([*links[:2], forged, *tail])
    assert result.problem.kind is ProblemKind.INSERTED
    assert result.problem.sequence == 3


def test_an_inserted_entry_without_a_valid_hash_is_reported_as_altered():
    links = build(5)
    forged = replace(forge(3, links[1].hash, "x"), hash="f" * 64)
    tail = [replace(link, sequence=link.sequence + 1) for link in links[2:]]
    result = verify([*links[:2], forged, *tail])
    assert result.problem.kind is ProblemKind.ALTERED
    assert result.problem.sequence == 3


def test_swapped_entries_are_reported_as_reordered():
    links = build(6)
    third, fourth = links[2], links[3]
    links[2], links[3] = replace(fourth, sequence=3), replace(third, sequence=4)
    result = verify(links)
    assert result.problem.kind is ProblemKind.REORDERED
    assert result.problem.sequence == 3


def test_renumbering_without_other_change_is_reported():
    links = build(4)
    links[3] = replace(links[3], sequence=9)
    result = verify(links)
    assert result.problem.kind is ProblemKind.RENUMBERED


def test_only_an_anchor_reveals_entries_cut_from_the_end():
    links = build(8)
    anchor = Anchor(8, links[-1].hash)
    assert verify(links[:6]).intact  # a shortened chain still links up...
    result = verify(links[:6], anchor=anchor)  # ...but not to the head recorded earlier
    assert result.problem.kind is ProblemKind.ANCHOR_MISSING
    assert verify(links, anchor=anchor).intact


def test_an_anchor_that_does_not_match_is_reported():
    links = build(3)
    result = verify(links, anchor=Anchor(2, "a" * 64))
    assert result.problem.kind is ProblemKind.ALTERED
    assert result.problem.sequence == 2


@pytest.mark.parametrize("text", ["", "12", "x:" + "a" * 64, "3:abc"])
def test_a_malformed_anchor_is_refused(text):
    with pytest.raises(ValueError, match="SEQUENCE:HASH"):
        Anchor.parse(text)


@given(
    count=st.integers(min_value=2, max_value=30),
    data=st.data(),
)
def test_any_single_change_or_removal_is_caught_at_that_entry(count, data):
    links = build(count)
    index = data.draw(st.integers(min_value=0, max_value=count - 1))
    if data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(links[index].fields)))
        links[index] = replace(links[index], fields={**links[index].fields, key: "tampered"})
        expected = ProblemKind.ALTERED
    else:
        if index == count - 1:
            index -= 1  # removing the last entry needs an anchor (tested above)
        del links[index]
        expected = ProblemKind.REMOVED
    result = verify(links)
    assert result.problem is not None
    assert result.problem.kind is expected
    assert result.problem.sequence == index + 1
