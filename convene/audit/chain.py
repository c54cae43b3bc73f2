"""The hash chain of the audit log: canonical form, hashing and verification.

Pure functions over plain data (no database), so the rules that make the log
tamper-evident can be read and tested on their own.

Each entry's hash is SHA-256 over a canonical JSON serialisation of its fields
and the hash of the entry before it. The sequence number is deliberately *not*
hashed: it is only a locator. Order is proved by the links, which is what lets
``verify_chain`` tell an entry that was altered apart from one that was removed,
inserted or moved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

GENESIS = "0" * 64


def canonical_time(moment: datetime) -> str:
    """UTC with microseconds: the one spelling of an instant the hash accepts."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(fields: Mapping[str, str | int | None], prev_hash: str) -> str:
    payload = dict(fields)
    payload["prev_hash"] = prev_hash
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    """One stored entry as the verifier sees it."""

    sequence: int
    prev_hash: str
    hash: str
    fields: Mapping[str, str | int | None]


class ProblemKind(StrEnum):
    ALTERED = "altered"
    REMOVED = "removed"
    INSERTED = "inserted"
    REORDERED = "reordered"
    RENUMBERED = "renumbered"
    ANCHOR_MISSING = "anchor missing"


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    sequence: int
    message: str


@dataclass(frozen=True)
class Verification:
    entries: int
    head_sequence: int | None
    head_hash: str | None
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Anchor:
    """A (sequence, hash) pair recorded outside the database, e.g. by an earlier verify.

    A chain cut short at its tail still links up; only a copy of an old head kept
    elsewhere shows that entries after it were removed.
    """

    sequence: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        number, sep, digest = text.partition(":")
        if not sep or not number.isdigit() or len(digest) != 64:
            raise ValueError("an anchor is written SEQUENCE:HASH, e.g. 1042:9f86d08...")
        return cls(int(number), digest.lower())


def _broken_link(link: Link, previous: int, owner_of: Callable[[str], int | None]) -> Problem:
    """Explain why ``link`` does not name the entry walked before it (``previous``)."""
    owner = owner_of(link.prev_hash)
    if owner is None:
        if link.sequence > previous + 1:
            first, last = previous + 1, link.sequence - 1
            span = f"#{first}" if first == last else f"#{first} to #{last}"
            return Problem(
                ProblemKind.REMOVED,
                first,
                f"entry {span} removed: #{link.sequence} follows #{previous}",
            )
        return Problem(
            ProblemKind.REMOVED,
            link.sequence,
            f"the entry before #{link.sequence} was removed and the rest renumbered",
        )
    if owner > link.sequence:
        return Problem(
            ProblemKind.REORDERED,
            link.sequence,
            f"entry #{link.sequence} is out of order: it was written after #{owner}",
        )
    first = owner + 1
    span = f"#{first}" if first == previous else f"#{first} to #{previous}"
    return Problem(
        ProblemKind.INSERTED,
        first,
        f"entry {span} inserted: #{link.sequence} was written straight after #{owner}",
    )


def verify_chain(
    links: Iterable[Link],
    *,
    owner_of: Callable[[str], int | None],
    anchor: Anchor | None = None,
) -> Verification:
    """Walk the entries in sequence order and report the first problem.

    ``owner_of(hash)`` returns the sequence number of the stored entry with that
    hash (or None); it is asked only once, to name a broken link's cause.
    """
    expected_prev = GENESIS
    previous = 0
    count = 0
    anchor_seen = False
    for link in links:
        count += 1
        if entry_hash(link.fields, link.prev_hash) != link.hash:
            return Verification(
                count,
                previous or None,
                expected_prev if previous else None,
                Problem(
                    ProblemKind.ALTERED,
                    link.sequence,
                    f"entry #{link.sequence} was altered: its contents no longer match its hash",
                ),
            )
        if link.prev_hash != expected_prev:
            return Verification(
                count,
                previous or None,
                expected_prev if previous else None,
                _broken_link(link, previous, owner_of),
            )
        if link.sequence != previous + 1:
            return Verification(
                count,
                previous or None,
                expected_prev if previous else None,
                Problem(
                    ProblemKind.RENUMBERED,
                    link.sequence,
                    f"entry numbers jump from #{previous} to #{link.sequence} "
                    "although the chain links up: entries were renumbered",
                ),
            )
        if anchor is not None and link.sequence == anchor.sequence:
            if link.hash != anchor.hash:
                return Verification(
                    count,
                    link.sequence,
                    link.hash,
                    Problem(
                        ProblemKind.ALTERED,
                        link.sequence,
                        f"entry #{link.sequence} differs from the anchor recorded earlier",
                    ),
                )
            anchor_seen = True
        expected_prev = link.hash
        previous = link.sequence
    if anchor is not None and not anchor_seen:
        return Verification(
            count,
            previous or None,
            expected_prev if previous else None,
            Problem(
                ProblemKind.ANCHOR_MISSING,
                anchor.sequence,
                f"entry #{anchor.sequence} recorded in the anchor is missing: "
                f"the chain ends at #{previous}, so entries were removed from its end",
            ),
        )
    return Verification(count, previous or None, expected_prev if previous else None, None)
