"""Reading the audit log: who has looked at a child, and whether the chain is intact."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from convene.audit.chain import Anchor, Link, Verification, canonical_time, verify_chain
from convene.audit.labels import audit_object_labels
from convene.audit.models import CHAIN_COLUMNS, LOOKS, AuditEntry, chain_fields
from convene.people.models import Child

VERIFY_CHUNK = 5_000


def audit_viewers_of(*, child: Child) -> QuerySet[AuditEntry]:
    """Everyone who has viewed, changed, exported or downloaded this child's record, newest first.

    Callers show this only to people who may see the child themselves
    (``children_visible_to``); the entries name professionals of every agency.
    """
    return (
        AuditEntry.objects.filter(child=child, action__in=[action.value for action in LOOKS])
        .select_related("actor__agency")
        .order_by("-sequence")
    )


@dataclass(frozen=True)
class Look:
    """One row of "who has looked": the entry and, in words, what was looked at."""

    entry: AuditEntry
    what: str


def audit_looks_at(*, child: Child, limit: int) -> list[Look]:
    """The newest ``limit`` looks at this child's records, each saying which record it was.

    The same callers as :func:`audit_viewers_of`; a constant number of queries.
    """
    entries = list(audit_viewers_of(child=child)[:limit])
    labels = audit_object_labels(entries)
    return [Look(entry, labels.get((entry.object_type, entry.object_id), "")) for entry in entries]


def _links() -> Iterator[Link]:
    rows = AuditEntry.objects.order_by("sequence").values_list(*CHAIN_COLUMNS)
    # values_list + iterator: constant memory however long the log grows.
    for row in rows.iterator(chunk_size=VERIFY_CHUNK):
        sequence, prev_hash, digest, at, actor_id, username, action, otype, oid, child_id = row[:10]
        summary, remote_addr = row[10:]
        yield Link(
            sequence,
            prev_hash,
            digest,
            chain_fields(
                at=canonical_time(at),
                actor_id=actor_id,
                actor_username=username,
                action=action,
                object_type=otype,
                object_id=oid,
                child_id=child_id,
                summary=summary,
                remote_addr=remote_addr,
            ),
        )


def _owner_of(digest: str) -> int | None:
    return AuditEntry.objects.filter(hash=digest).values_list("sequence", flat=True).first()


def audit_chain_verify(*, anchor: Anchor | None = None) -> Verification:
    """Walk the whole log in sequence order and report the first tampered entry."""
    return verify_chain(_links(), owner_of=_owner_of, anchor=anchor)
