"""Reading the audit log: who has looked at a child, and whether the chain is intact."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from convene.audit.chain import Anchor, Link, Verification, canonical_time, verify_chain
from convene.audit.labels import audit_object_labels
from convene.audit.models import (
    CHAIN_COLUMNS,
    LOOKS,
    AuditEntry,
    AuditKeying,
    chain_fields,
    keying_mac,
)
from convene.core.access import visible_set

if TYPE_CHECKING:  # audit sits below people: it names their models only in type hints
    from convene.people.models import Child, Professional

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


def audit_entries_readable_by(
    entries: QuerySet[AuditEntry], *, user: Professional
) -> QuerySet[AuditEntry]:
    """Only the entries about something ``user`` may see themselves (docs/access.md).

    An entry names its object by kind and id; for each kind among ``entries`` the
    object must be in that kind's selector (``access.visible_set``), all in one
    query, never row by row. A kind with no selector, or an object that no longer
    exists, is not shown: the look at a restricted referral, a record's draft or
    another agency's action would tell the reader that it exists.
    """
    kinds = entries.order_by().values_list("object_type", flat=True).distinct()
    readable = Q(object_type="")  # about the child only, whom the caller may see
    for kind in kinds:
        try:
            model = apps.get_model(kind)
        except (LookupError, ValueError):
            continue
        visible = visible_set(user=user, model=model)
        if visible is None:
            continue
        ids = visible.order_by().annotate(_audit_id=Cast("pk", CharField())).values("_audit_id")
        readable |= Q(object_type=kind, object_id__in=ids)
    return entries.filter(readable)


def audit_looks_at(*, child: Child, user: Professional, limit: int) -> list[Look]:
    """The newest ``limit`` looks at this child's records that ``user`` may see, each saying
    which record it was.

    The same callers as :func:`audit_viewers_of`; a constant number of queries (one for
    the kinds of record, one for the entries, one per kind for the labels).
    """
    readable = audit_entries_readable_by(audit_viewers_of(child=child), user=user)
    entries = list(readable[:limit])
    labels = audit_object_labels(entries)
    return [Look(entry, labels.get((entry.object_type, entry.object_id), "")) for entry in entries]


def audit_key() -> bytes:
    """The secret the chain is keyed with (``CONVENE_AUDIT_KEY``); never stored in the database."""
    return str(settings.CONVENE_AUDIT_KEY).encode("utf-8")


def audit_keyed_from() -> int:
    """The first keyed entry: 1 unless the log began before keying (``AuditKeying``).

    A boundary whose keyed hash does not match was moved by someone without the
    key: it is ignored, so the whole chain must then carry the key (and fails).
    """
    row = AuditKeying.objects.order_by("pk").values_list("keyed_from", "mac").first()
    if row is None or not hmac.compare_digest(row[1], keying_mac(audit_key(), row[0])):
        return 1
    return int(row[0])


def audit_head() -> Anchor | None:
    """The newest entry as an anchor (with where keying begins), or None for an empty log."""
    last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return Anchor(last[0], last[1], audit_keyed_from()) if last else None


def _links(after: int = 0) -> Iterator[Link]:
    rows = (
        AuditEntry.objects.filter(sequence__gt=after)
        .order_by("sequence")
        .values_list(*CHAIN_COLUMNS)
    )
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


def audit_chain_verify(
    *, anchor: Anchor | None = None, start: Anchor | None = None
) -> Verification:
    """Walk the log in sequence order and report the first tampered entry.

    With ``start`` (an earlier anchor), only from that entry on: it must be
    unchanged and the entries after it must extend it.
    """
    return verify_chain(
        _links(start.sequence - 1 if start is not None else 0),
        owner_of=_owner_of,
        anchor=anchor,
        key=audit_key(),
        keyed_from=audit_keyed_from(),
        start=start,
    )
