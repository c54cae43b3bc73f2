"""Writing to the audit log. ``audit_record`` is the only way an entry is made."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from convene.audit.chain import GENESIS, entry_hash
from convene.audit.models import Action, AppendOnlyError, AuditEntry
from convene.audit.selectors import audit_key
from convene.core.net import client_ip

if TYPE_CHECKING:  # audit sits below people: it names their models only in type hints
    from convene.people.models import Child, Professional

# Any constant will do; it names the one lock that keeps the chain a single line.
_CHAIN_LOCK = 0x436F6E76656E65  # "Convene"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
SUMMARY_MAX = 500
P = ParamSpec("P")
Written = TypeVar("Written")


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


def _channel(request: HttpRequest | None) -> str:
    """How the request came: API requests name the token they used (``BearerToken`` sets it)."""
    token = getattr(request, "api_token", None) if request is not None else None
    return f" through the API (token ‘{token.name}’)" if token is not None else ""


def _keywords_of(
    drafting: Callable[P, object],
) -> Callable[[Callable[..., Written]], Callable[P, Written]]:
    """Give a writer the keywords of the drafting function it saves: one list, kept once."""

    def same_keywords(writer: Callable[..., Written]) -> Callable[P, Written]:
        return cast("Callable[P, Written]", writer)

    return same_keywords


def audit_draft(
    *,
    actor: Professional | None,
    action: Action,
    summary: str,
    obj: models.Model | None = None,
    child: Child | None = None,
    request: HttpRequest | None = None,
    actor_username: str = "",
) -> AuditEntry:
    """An entry as ``audit_record`` writes it, not yet chained nor saved (see ``audit_append``)."""
    # The entry's child foreign key names the Child model, which audit does not import.
    if child is None and obj is not None and isinstance(obj, _child_model()):
        child = cast("Child", obj)
    return AuditEntry(
        at=timezone.now(),
        actor=actor,
        actor_username=_clean(actor.get_username() if actor else actor_username, 150),
        action=action.value,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=_clean(str(obj.pk), 64) if obj is not None else "",
        child=child,
        summary=_clean(summary + _channel(request), SUMMARY_MAX),
        remote_addr=client_ip(request) if request is not None else "",
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


@_keywords_of(audit_draft)
def audit_record(**entry: Any) -> AuditEntry:
    """Append one entry, inside the caller's transaction when there is one.

    Call it from the service that makes the change, before that service returns,
    so the change and its record commit or roll back together. With ``request``,
    the entry keeps the client's address, and for an API request the summary
    names the token used.
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
    )


def audit_drafts_children(
    *,
    actor: Professional | None,
    action: Action,
    summary: str,
    obj: models.Model,
    children: Iterable[Child],
    request: HttpRequest | None = None,
    actor_username: str = "",
) -> list[AuditEntry]:
    """The entries ``audit_record_children`` writes, as drafts for ``audit_append``."""
    unique = sorted({child.pk: child for child in children}.values(), key=lambda c: c.pk)
    concerned: list[Child | None] = [*unique]
    return [
        audit_draft(
            actor=actor,
            action=action,
            summary=summary,
            obj=obj,
            child=child,
            request=request,
            actor_username=actor_username,
        )
        for child in (concerned or [None])
    ]


@_keywords_of(audit_drafts_children)
def audit_record_children(**entries: Any) -> list[AuditEntry]:
    """One entry per child ``obj`` is about (a referral, discussion or record).

    An entry names one child, so that each child's "who has looked" list finds
    every look at a record about them; with no child, one entry names ``obj`` alone.
    """
    return [audit_append([draft])[0] for draft in audit_drafts_children(**entries)]
