"""The hash chain of the audit log: canonical form, hashing and verification.

Pure functions over plain data (no database), so the rules that make the log
tamper-evident can be read and tested on their own.

Each entry's hash is HMAC-SHA-256, keyed with a secret kept outside the
database (``CONVENE_AUDIT_KEY``), over a canonical JSON serialisation of its
fields and the hash of the entry before it, so someone who can write to the
database alone cannot recompute the chain after changing it. Entries written
before the chain was keyed (below the "keyed from" sequence) keep their plain
SHA-256 hashes and are verified as such. The sequence number is deliberately *not*
hashed: it is only a locator. Order is proved by the links, which is what lets
``verify_chain`` tell an entry that was altered apart from one that was removed,
inserted or moved.
"""

from __future__ import annotations

import hashlib
import hmac
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


def entry_hash(
    fields: Mapping[str, str | int | None], prev_hash: str, *, key: bytes | None = None
) -> str:
    """HMAC-SHA-256 with ``key``; plain SHA-256 (entries from before keying) without."""
    payload = dict(fields)
    payload["prev_hash"] = prev_hash
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if key is not None:
        return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()
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
    KEYING_MOVED = "keying moved"


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
    # The first keyed entry when the anchor was written (None: not recorded, e.g. by hand).
    keyed_from: int | None = None

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """``SEQUENCE:HASH``, optionally followed by ``keyed-from=N`` (an anchor file's line)."""
        head, *rest = text.split() or [""]
        number, sep, digest = head.partition(":")
        if not sep or not number.isdigit() or len(digest) != 64:
            raise ValueError("an anchor is written SEQUENCE:HASH, e.g. 1042:9f86d08...")
        keyed_from = None
        for word in rest:
            name, _, value = word.partition("=")
            if name == "keyed-from" and value.isdigit():
                keyed_from = int(value)
        return cls(int(number), digest.lower(), keyed_from)

    def line(self) -> str:
        """How an anchor file records it (one line, appended)."""
        keyed = f" keyed-from={self.keyed_from}" if self.keyed_from is not None else ""
        return f"{self.sequence}:{self.hash}{keyed}"


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


def _keying_moved(anchor: Anchor | None, keyed_from: int) -> Problem | None:
    if anchor is None or anchor.keyed_from is None or anchor.keyed_from == keyed_from:
        return None
    return Problem(
        ProblemKind.KEYING_MOVED,
        min(keyed_from, anchor.keyed_from),
        f"the log says its chain is keyed from #{keyed_from} but the anchor recorded "
        f"#{anchor.keyed_from}: entries were rewritten by someone without the key",
    )


def _link_problem(
    link: Link,
    *,
    expected_prev: str | None,
    previous: int,
    key: bytes | None,
    owner_of: Callable[[str], int | None],
) -> Problem | None:
    """What is wrong with one entry given the one before it, or None."""
    if entry_hash(link.fields, link.prev_hash, key=key) != link.hash:
        return Problem(
            ProblemKind.ALTERED,
            link.sequence,
            f"entry #{link.sequence} was altered: its contents no longer match its hash",
        )
    if link.prev_hash != expected_prev:
        return _broken_link(link, previous, owner_of)
    if link.sequence != previous + 1:
        return Problem(
            ProblemKind.RENUMBERED,
            link.sequence,
            f"entry numbers jump from #{previous} to #{link.sequence} "
            "although the chain links up: entries were renumbered",
        )
    return None


def _pinned_mismatch(link: Link, pins: Iterable[Anchor | None]) -> Problem | None:
    """The entry differs from an anchor (or start) recorded earlier at its number."""
    for pinned in pins:
        if pinned is not None and link.sequence == pinned.sequence and link.hash != pinned.hash:
            return Problem(
                ProblemKind.ALTERED,
                link.sequence,
                f"entry #{link.sequence} differs from the anchor recorded earlier",
            )
    return None


def verify_chain(
    links: Iterable[Link],
    *,
    owner_of: Callable[[str], int | None],
    anchor: Anchor | None = None,
    key: bytes | None = None,
    keyed_from: int = 1,
    start: Anchor | None = None,
) -> Verification:
    """Walk the entries in sequence order and report the first problem.

    ``owner_of(hash)`` returns the sequence number of the stored entry with that
    hash (or None); it is asked only once, to name a broken link's cause.

    With ``key``, entries from ``keyed_from`` on must carry its HMAC, and an
    ``anchor`` that recorded another ``keyed_from`` means the boundary was moved
    to pass rewritten entries off as old unkeyed ones. With ``start`` (an
    earlier head), ``links`` begin at that entry rather than at the first: the
    walk proves the entries after it extend it.
    """
    expected_prev: str | None = GENESIS
    previous = 0
    if start is not None:
        expected_prev, previous = None, start.sequence - 1
    count = 0
    anchor_seen = False

    def stop(problem: Problem, head: int | None = None, digest: str | None = None) -> Verification:
        if head is None and previous:
            head, digest = previous, expected_prev
        return Verification(count, head, digest, problem)

    moved = _keying_moved(anchor, keyed_from) if key is not None else None
    if moved is not None:
        return stop(moved)
    for link in links:
        count += 1
        if start is not None and expected_prev is None:
            if link.sequence != start.sequence:
                return stop(_anchor_missing(start, None))
            expected_prev = link.prev_hash
        problem = _link_problem(
            link,
            expected_prev=expected_prev,
            previous=previous,
            key=key if link.sequence >= keyed_from else None,
            owner_of=owner_of,
        )
        if problem is not None:
            return stop(problem)
        mismatch = _pinned_mismatch(link, (anchor, start))
        if mismatch is not None:
            return stop(mismatch, link.sequence, link.hash)
        anchor_seen = anchor_seen or (anchor is not None and link.sequence == anchor.sequence)
        expected_prev = link.hash
        previous = link.sequence
    if start is not None and expected_prev is None:
        return stop(_anchor_missing(start, None))
    if anchor is not None and not anchor_seen:
        return stop(_anchor_missing(anchor, previous))
    return Verification(count, previous or None, expected_prev if previous else None, None)


def _anchor_missing(anchor: Anchor, last: int | None) -> Problem:
    message = f"entry #{anchor.sequence} recorded in the anchor is missing"
    if last is not None:
        message += f": the chain ends at #{last}, so entries were removed from its end"
    return Problem(ProblemKind.ANCHOR_MISSING, anchor.sequence, message)
