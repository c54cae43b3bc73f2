"""Writing to the audit log. ``audit_record`` is the only way an entry is made."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NotRequired, TypedDict, Unpack, cast

from django.db import connection, models, transaction
from django.utils import timezone

from convene.audit.chain import GENESIS, entry_hash
from convene.audit.context import AuditContext
from convene.audit.models import Action, AppendOnlyError, AuditEntry
from convene.audit.selectors import audit_key

if TYPE_CHECKING:  # audit sits below people: it names their models only in type hints
    from convene.people.models import Child, Professional

# Any constant will do; it names the one lock that keeps the chain a single line.
_CHAIN_LOCK = 0x436F6E76656E65  # "Convene"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
SUMMARY_MAX = 500


def _child_model() -> type[models.Model]:
    model = AuditEntry._meta.get_field("child").related_model
    assert isinstance(model, type)
    return model


def _clean(text: str, limit: int) -> str:
    # One line, no NULs (PostgreSQL refuses them in text), never longer than the column.
    text = _CONTROL.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _take_chain_lock() -> None:
    """Serialise writers so each entry links to the one truly before it.

    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback
    of the caller's transaction. SQLite: transactions begin IMMEDIATE (settings),
    so a writer already holds the database's single write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


class EntryArgs(TypedDict):
    """The keywords of an audit entry, written once: who did what, with which summary, from
    where (``context``), or the name of a system actor when there is no person."""

    actor: Professional | None
    action: Action
    summary: str
    context: NotRequired[AuditContext | None]
    actor_username: NotRequired[str]


class OneEntryArgs(EntryArgs, total=False):
    obj: models.Model | None  # what the entry is about, if anything
    child: Child | None  # the child it names (a Child ``obj`` names itself)


class ObjEntryArgs(EntryArgs):
    obj: models.Model  # a referral, discussion or record: one entry per child it concerns


def audit_draft(**entry: Unpack[OneEntryArgs]) -> AuditEntry:
    """An entry as ``audit_record`` writes it, not yet chained nor saved (see ``audit_append``)."""
    actor, obj, child = entry["actor"], entry.get("obj"), entry.get("child")
    context = entry.get("context")
    # The entry's child foreign key names the Child model, which audit does not import.
    if child is None and obj is not None and isinstance(obj, _child_model()):
        child = cast("Child", obj)
    return AuditEntry(
        at=timezone.now(),
        actor=actor,
        actor_username=_clean(
            actor.get_username() if actor else entry.get("actor_username", ""), 150
        ),
        action=entry["action"].value,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=_clean(str(obj.pk), 64) if obj is not None else "",
        child=child,
        summary=_clean(entry["summary"] + (context.channel if context else ""), SUMMARY_MAX),
        remote_addr=context.remote_addr if context else "",
    )


def audit_append(entries: Sequence[AuditEntry]) -> list[AuditEntry]:
    """Chain ``entries`` (from ``audit_draft``), in order, onto the log's head and save them.

    One lock, one read of the head and, for several entries, one bulk insert: each
    entry's hash covers the one before it exactly as if ``audit_record`` had written
    them one at a time (issue 15: a sweep batch's entries). Runs in the caller's
    transaction when there is one.
    """
    if not entries:
        return []
    with transaction.atomic():
        _take_chain_lock()
        last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
        sequence, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        key = audit_key()
        for entry in entries:
            if not entry._state.adding or entry.sequence is not None:
                raise AppendOnlyError("only new entries (audit_draft) can be appended")
            entry.sequence, entry.prev_hash = sequence, prev_hash
            # Always keyed: only entries written before keying began are plain SHA-256.
            entry.hash = entry_hash(entry.chain_fields(), prev_hash, key=key)
            sequence, prev_hash = sequence + 1, entry.hash
        if len(entries) == 1:
            entries[0].save()
        else:
            # AuditEntry.objects refuses bulk_create (entries must be chained): these are.
            AuditEntry._base_manager.bulk_create(entries, batch_size=500)
            for entry in entries:
                entry._state.adding = False
    return list(entries)


def audit_record(**entry: Unpack[OneEntryArgs]) -> AuditEntry:
    """Append one entry, inside the caller's transaction when there is one.

    Call it from the service that makes the change, before that service returns,
    so the change and its record commit or roll back together. With ``context``
    (``AuditContext.from_request`` at the page or API edge), the entry keeps the
    client's address, and for an API request the summary names the token used.
    """
    return audit_append([audit_draft(**entry)])[0]


# The actor of an entry for an email that left the system from a background task.
MAILER = "Convene (email)"


def audit_sent(
    *, obj: models.Model, children: Iterable[Child], what: str, to_name: str, to_email: str
) -> list[AuditEntry]:
    """An email carrying a child's details has left the system: "exported", naming who to.

    Call it in the transaction that records the email as sent.
    """
    recipient = f"{to_name} <{to_email}>" if to_name else to_email
    return audit_record_children(
        actor=None,
        actor_username=MAILER,
        action=Action.EXPORT,
        obj=obj,
        children=children,
        summary=f"Emailed {what} to {recipient}",
        context=AuditContext.system(),
    )


def audit_record_children(
    *, children: Iterable[Child], **entry: Unpack[ObjEntryArgs]
) -> list[AuditEntry]:
    """One entry per child ``obj`` is about (a referral, discussion or record).

    An entry names one child, so that each child's "who has looked" list finds
    every look at a record about them; with no child, one entry names ``obj`` alone.
    """
    drafts = audit_drafts_children(children=children, **entry)
    return [audit_append([draft])[0] for draft in drafts]


def audit_drafts_children(
    *, children: Iterable[Child], **entry: Unpack[ObjEntryArgs]
) -> list[AuditEntry]:
    """The entries ``audit_record_children`` writes, as drafts for ``audit_append``."""
    unique = sorted({child.pk: child for child in children}.values(), key=lambda c: c.pk)
    concerned: list[Child | None] = [*unique]
    return [audit_draft(**entry, child=child) for child in (concerned or [None])]
