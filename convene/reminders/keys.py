"""The outbox's idempotency keys: unique, and in the order they were made.

A random (version 4) key lands each new row on a random page of the unique indexes
on ``key`` and ``message_id`` (made from it): at scale those indexes do not fit in
memory, and a sweep's insert of 10,000 rows read and wrote about 10,000 index pages,
twice the time of the same insert with time-ordered keys (docs/performance.md, "The
outbox's indexes and inserts"). A version 7 key (RFC 9562) starts with the time in
milliseconds, so a batch's keys sit together at the end of the newest ones.
"""

from __future__ import annotations

import os
import time
import uuid

__all__ = ["time_ordered_uuid"]

_VERSION_7 = 0x7 << 76  # bits 48-51 from the most significant end
_VARIANT_RFC = 0x2 << 62  # bits 64-65: the RFC 9562 variant
_CLEAR = ~((0xF << 76) | (0x3 << 62))


def time_ordered_uuid() -> uuid.UUID:
    """A version 7 UUID: 48 bits of Unix time in milliseconds, then 74 random bits."""
    millis = time.time_ns() // 1_000_000 & ((1 << 48) - 1)
    bits = millis << 80 | int.from_bytes(os.urandom(10), "big")
    return uuid.UUID(int=bits & _CLEAR | _VERSION_7 | _VARIANT_RFC)
