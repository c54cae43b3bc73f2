"""The anchor file: the audit chain's head, appended outside the database on a schedule.

A chain cut short at its tail still links up, and someone who can write to the
database can cut it. The worker therefore appends the current head
(``SEQUENCE:HASH keyed-from=N at=TIME``) to a file the database's users cannot
reach (``CONVENE_AUDIT_ANCHOR_FILE``), and ``convene audit verify`` checks the
latest line by default: the entry it names must still be there with that hash.

Before appending, the entries since the previous anchor are checked to extend
it, so an anchor never blesses a chain that was already rewritten.
"""

from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from convene.audit.chain import Anchor, Problem
from convene.audit.selectors import audit_chain_verify, audit_head

logger = logging.getLogger(__name__)

# Enough for the last line of any anchor file (a line is about 100 characters).
_TAIL_BYTES = 4096


class AnchorRefused(Exception):
    """The chain no longer extends the last anchor: nothing is appended."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class AnchorLine:
    anchor: Anchor
    written: str


def anchor_file() -> Path | None:
    """The configured anchor file, or None when there is none (an empty setting)."""
    configured = str(settings.CONVENE_AUDIT_ANCHOR_FILE or "").strip()
    return Path(configured) if configured else None


def anchor_latest(path: Path) -> AnchorLine | None:
    """The last line of the anchor file, or None if it has none yet.

    Raises ValueError for a last line that is not an anchor (a damaged file).
    """
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - _TAIL_BYTES))
            tail = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    lines = [line for line in tail.splitlines() if line.strip()]
    if not lines:
        return None
    last = lines[-1]
    anchor = Anchor.parse(last)
    written = next((w[3:] for w in last.split() if w.startswith("at=")), "")
    return AnchorLine(anchor, written)


def anchor_write(*, now: datetime, path: Path | None = None) -> Anchor | None:
    """Append the chain's head to the anchor file if it moved since the last line.

    Returns the anchor appended, or None when there was nothing new (or no file
    is configured). Raises :class:`AnchorRefused` when the entries since the last
    anchor do not extend it. A lock on the file keeps two workers' lines whole.
    """
    path = path or anchor_file()
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            head = audit_head()
            latest = anchor_latest(path)
            previous = latest.anchor if latest is not None else None
            if head is None or head == previous:
                return None
            # From the previous anchor's own entry (or the first) to the head.
            result = audit_chain_verify(anchor=previous, start=previous)
            if result.problem is not None:
                logger.error("Audit anchor not written: %s", result.problem.message)
                raise AnchorRefused(result.problem)
            handle.write(f"{head.line()} at={now.isoformat(timespec='seconds')}\n")
            handle.flush()
            os.fsync(handle.fileno())
            return head
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
