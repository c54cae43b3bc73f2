"""Copy a template case as a new case: new ids, other children and people, another time.

Each archetype is compiled once into row programs: the template row's values
plus the few columns to rewrite (the primary key, foreign keys into the case,
the child, the professionals, times, dates, UUIDs, generic ids). A copy then
costs one list copy and a handful of additions per row, so a million cases
fit in minutes. Ids are allocated in blocks per table, so a foreign key is
"the target table's block start plus the template row's offset".
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from bench.partnership.archetypes import Archetype, dump_json, generic_pairs
from bench.partnership.lean import lighten
from convene.audit.chain import entry_hash
from convene.audit.models import chain_fields
from convene.audit.selectors import audit_key
from convene.clocks.schedule import next_reminder_at
from convene.people.models import Child, Professional

PK, FK, CHILD, PRO, TIME, DAY, UUID, GENERIC, UNIQUE = range(9)

# What an old case leaves out (lean copies): rows no page reads, about a quarter of a
# historic case. A record's section edit history is written, never shown; the clocks'
# emails (overdue, escalation raised) repeat the in-app notices the pages list, and
# their audit entries say only that those emails went. Nothing refers to either.
# The record's section saves ("Saved ‘Decision’ (section version 1)", about 18 of an old
# case's 37 entries) go too: the authorised version, its confirmations and distribution
# keep their entries, and a million discussions must fit on this machine's disk
# (docs/performance.md, "A million discussions").
LEAN_DROPPED_MODELS = {"records.sectionhistory"}
LEAN_DROPPED_EMAIL_KINDS = {"overdue", "escalation_raised"}
LEAN_DROPPED_AUDIT = (  # (action, object types, summary prefix)
    ("export", ("clocks.clock", "clocks.escalation"), "Emailed "),
    ("change", ("records.record",), "Saved ‘"),
)


@dataclass
class Program:
    model: type[models.Model]
    rows: list[tuple[list[Any], list[tuple[int, int, Any]]]]  # (base values, ops)


@dataclass
class Compiled:
    archetype: Archetype
    programs: list[Program]
    offsets: dict[type[models.Model], int]  # rows per table (block sizes)
    audit: list[tuple[list[Any], list[tuple[int, int, Any]]]]
    clock_index: dict[str, int]  # column positions of the clock fix-ups
    delivery_index: dict[str, int]


# Unique without a constraint of their own: made from a unique column (the Message-ID from
# the delivery's key, reminders/0008), so each copy must get a new one too.
UNIQUE_BY_DERIVATION = {("reminders", "delivery", "message_id")}


def unique_alone(field: Any) -> bool:
    """Whether the field's values must differ from row to row (``unique=True`` or a
    one-column ``UniqueConstraint`` without a condition, as the audit hash is declared to
    spare its ``_like`` index; or ``UNIQUE_BY_DERIVATION``)."""
    if field.unique:
        return True
    meta = field.model._meta
    if (meta.app_label, meta.model_name, field.name) in UNIQUE_BY_DERIVATION:
        return True
    return any(
        isinstance(c, models.UniqueConstraint)
        and tuple(c.fields) == (field.name,)
        and c.condition is None
        for c in field.model._meta.constraints
    )


def _lean_keeps(model: type[models.Model], row: tuple[Any, ...]) -> bool:
    label = model._meta.label_lower
    if label in LEAN_DROPPED_MODELS:
        return False
    if label == "reminders.delivery":
        at = _positions(model, "channel", "kind")
        return not (row[at["channel"]] == "email" and row[at["kind"]] in LEAN_DROPPED_EMAIL_KINDS)
    return True


def _lean_keeps_entry(entry: tuple[Any, ...]) -> bool:
    return not any(
        entry[3] == action and entry[4] in object_types and entry[7].startswith(prefix)
        for action, object_types, prefix in LEAN_DROPPED_AUDIT
    )


def compile_archetype(archetype: Archetype, *, lean: bool = False) -> Compiled:
    """Row programs for one archetype; ``lean`` leaves out what no page reads (old cases).

    A lean copy still takes the whole id block of each table (the gaps are harmless),
    so both forms of a case share one layout.
    """
    offset_of: dict[type[models.Model], dict[int, int]] = {
        model: {row[0]: k for k, row in enumerate(rows)} for model, rows in archetype.rows.items()
    }
    by_ct = {
        ContentType.objects.get_for_model(model).pk: model
        for model in archetype.rows
        if not model._meta.auto_created
    }
    child_k = {pk: k for k, pk in enumerate(archetype.children)}
    pro_k = {pk: k for k, pk in enumerate(archetype.professionals)}
    programs = []
    for model, rows in archetype.rows.items():
        fields = model._meta.concrete_fields
        generic = {id_col: type_col for type_col, id_col in generic_pairs(model)}
        attnames = [f.attname for f in fields]
        compiled_rows = []
        for row in rows:
            if lean and not _lean_keeps(model, row):
                continue
            if lean:
                lightened = list(row)
                lighten(model, attnames, lightened)
                row = tuple(lightened)
            base = list(row)
            ops: list[tuple[int, int, Any]] = []
            for i, f in enumerate(fields):
                value = row[i]
                if f.primary_key:
                    ops.append((i, PK, (model, offset_of[model][value])))
                elif value is None:
                    continue
                elif f.is_relation and f.related_model in offset_of:
                    ops.append((i, FK, (f.related_model, offset_of[f.related_model][value])))
                elif f.is_relation and f.related_model is Child:
                    ops.append((i, CHILD, child_k[value]))
                elif f.is_relation and f.related_model is Professional:
                    ops.append((i, PRO, pro_k[value]))
                elif f.attname in generic:
                    target = by_ct.get(row[attnames.index(generic[f.attname])])
                    if target is not None and value in offset_of.get(target, {}):
                        ops.append((i, GENERIC, (target, offset_of[target][value])))
                elif isinstance(f, models.DateTimeField):
                    ops.append((i, TIME, None))
                elif isinstance(f, models.DateField):
                    ops.append((i, DAY, None))
                elif isinstance(f, models.UUIDField):
                    ops.append((i, UUID, None))
                elif unique_alone(f) and isinstance(value, str):
                    ops.append((i, UNIQUE, f.max_length))
                elif isinstance(f, models.JSONField):
                    base[i] = dump_json(value)
                elif isinstance(value, memoryview):
                    base[i] = bytes(value)
            compiled_rows.append((base, ops))
        programs.append(Program(model, compiled_rows))
    audit = []
    label_model = {m._meta.label_lower: m for m in offset_of}
    for entry in archetype.audit:
        if lean and not _lean_keeps_entry(entry):
            continue
        at, actor_id, username, action, object_type, object_id, child_id, summary, addr = entry
        base = [at, actor_id, username, action, object_type, object_id, child_id, summary, addr]
        ops = [(0, TIME, None)]
        if actor_id is not None:
            ops.append((1, PRO, pro_k[actor_id]))
        target = label_model.get(object_type)
        if target is not None and object_id and int(object_id) in offset_of[target]:
            ops.append((5, GENERIC, (target, offset_of[target][int(object_id)])))
        if child_id is not None:
            ops.append((6, CHILD, child_k[child_id]))
        audit.append((base, ops))
    clock_model = next((m for m in offset_of if m._meta.label_lower == "clocks.clock"), None)
    delivery_model = next(
        (m for m in offset_of if m._meta.label_lower == "reminders.delivery"), None
    )
    return Compiled(
        archetype=archetype,
        programs=programs,
        offsets={model: len(rows) for model, rows in archetype.rows.items()},
        audit=audit,
        clock_index=_positions(
            clock_model,
            "state",
            "due_at",
            "met_at",
            "started_at",
            "escalate_at",
            "remind_at",
            "kind",
            "subject_type_id",
            "subject_id",
        ),
        delivery_index=_positions(
            delivery_model,
            "state",
            "sent_at",
            "failed_at",
            "last_error",
            "next_attempt_at",
            "decided_at",
            "recipient_id",
            "recipient_key",
            "to_address",
            "channel",
            "attempts",
            "attempt_started_at",
        ),
    )


def _positions(model: type[models.Model] | None, *names: str) -> dict[str, int]:
    if model is None:
        return {}
    attnames = [f.attname for f in model._meta.concrete_fields]
    return {name: attnames.index(name) for name in names if name in attnames}


@dataclass
class Case:
    """What differs between two copies of one archetype."""

    starts: dict[type[models.Model], int]  # first id of each table's block
    children: list[int]
    professionals: list[int]
    delta: timedelta
    now: datetime
    recent: bool  # an open case: clocks still running must be due in the future


def _apply(
    base: list[Any], ops: list[tuple[int, int, Any]], case: Case, rng: random.Random | None
) -> list[Any]:
    starts, delta = case.starts, case.delta
    row = base.copy()
    for i, kind, arg in ops:
        if kind == TIME:
            row[i] = row[i] + delta
        elif kind in (PK, FK, GENERIC):
            row[i] = starts[arg[0]] + arg[1]
        elif kind == CHILD:
            row[i] = case.children[arg]
        elif kind == PRO:
            row[i] = case.professionals[arg]
        elif kind == DAY:
            row[i] = row[i] + timedelta(days=delta.days)
        elif kind == UUID and rng is not None:
            row[i] = uuid.UUID(int=rng.getrandbits(128), version=4)
        elif kind == UNIQUE and rng is not None:  # e.g. an email's Message-ID
            row[i] = f"<{rng.getrandbits(128):032x}@bench.example.org>"[:arg]
    return row


def copy_rows(
    compiled: Compiled,
    case: Case,
    rng: random.Random,
    emails: dict[int, str],
    emit: Callable[[type[models.Model], tuple[Any, ...]], None],
) -> None:
    """Emit every row of one case but its audit entries (:func:`case_audit`).

    An agreed action's ``due_by`` is its due clock's ``due_at`` (``action_due_by``): when
    ``_fix_clock`` moves that clock on, the action's rows, held back until the clocks are
    done, move with it. Every row is still made in the same order (the same draws)."""
    moved: dict[tuple[int, int], Any] = {}  # (subject type, id) -> its due clock's new due
    held: list[tuple[type[models.Model], list[Any]]] = []
    for program in compiled.programs:
        label = program.model._meta.label_lower
        for base, ops in program.rows:
            row = _apply(base, ops, case, rng)
            if label == "clocks.clock":
                _fix_due_clock(row, compiled, case, rng, moved)
            elif label == "reminders.delivery":
                _fix_delivery(row, compiled.delivery_index, rng, emails)
            elif label in _DUE_BY_LABELS:
                held.append((program.model, row))
                continue
            emit(program.model, tuple(row))
    for model, row in held:
        at = _positions(model, "id", "due_by")
        key = (ContentType.objects.get_for_model(model).pk, row[at["id"]])
        if key in moved:
            row[at["due_by"]] = moved[key]
        emit(model, tuple(row))


# The models whose ``due_by`` is their ``action_due`` clock's due time (convene.records.due).
_DUE_BY_LABELS = frozenset({"records.action", "followup.hrpmaction"})


def _fix_due_clock(
    row: list[Any],
    compiled: Compiled,
    case: Case,
    rng: random.Random,
    moved: dict[tuple[int, int], Any],
) -> None:
    """``_fix_clock``, noting an action's due clock moved to a new due time."""
    at = compiled.clock_index
    due = row[at["due_at"]]
    _fix_clock(row, at, case, rng)
    if row[at["due_at"]] != due and row[at["kind"]] == "action_due":
        moved[(row[at["subject_type_id"]], row[at["subject_id"]])] = row[at["due_at"]]


def case_audit(compiled: Compiled, case: Case, usernames: dict[int, str]) -> list[list[Any]]:
    """One case's audit entries, to be chained by the caller. They draw nothing at random,
    so one process can chain every case's entries while others write the cases' rows."""
    audit = []
    for base, ops in compiled.audit:
        row = _apply(base, ops, case, None)
        if row[1] is not None:
            row[2] = usernames.get(row[1], row[2])
        row[5] = str(row[5]) if row[5] is not None else ""
        audit.append(row)
    return audit


def copy_case(
    compiled: Compiled,
    case: Case,
    rng: random.Random,
    emails: dict[int, str],
    usernames: dict[int, str],
    emit: Callable[[type[models.Model], tuple[Any, ...]], None],
) -> list[list[Any]]:
    """Emit every row of one case; return its audit entries (chained by the caller)."""
    copy_rows(compiled, case, rng, emails, emit)
    return case_audit(compiled, case, usernames)


def _fix_clock(row: list[Any], at: dict[str, int], case: Case, rng: random.Random) -> None:
    """A running clock due (or reminded: up to 48 hours before) by the first sweep: move it on.

    So the first sweep over a new database has nothing to do; later sweeps find
    what became due since, as in a live system.
    """
    soon = case.now + timedelta(days=3)
    if row[at["state"]] != "pending" or row[at["due_at"]] > soon:
        return
    if case.recent:
        row[at["due_at"]] = soon + timedelta(minutes=rng.randint(60, 14 * 24 * 60))
        cursor = (row[at["due_at"]], next_reminder_at(due=row[at["due_at"]]))
    else:  # an old case: it was met, a little late
        row[at["state"]] = "met"
        row[at["met_at"]] = max(row[at["started_at"]], row[at["due_at"]] + timedelta(hours=2))
        cursor = (None, None)
    # The sweep's cursor moves with the clock, as clock_start and clock_meet set it.
    if "escalate_at" in at:
        row[at["escalate_at"]], row[at["remind_at"]] = cursor


def _fix_delivery(
    row: list[Any], at: dict[str, int], rng: random.Random, emails: dict[int, str]
) -> None:
    """Emails of a copied case were sent (a few failed); addresses follow the person."""
    recipient = row[at["recipient_id"]]
    if recipient is not None:
        row[at["recipient_key"]] = f"professional:{recipient}"
        if row[at["channel"]] == "email":
            row[at["to_address"]] = emails.get(recipient, row[at["to_address"]])
    if row[at["channel"]] != "email" or row[at["state"]] == "sent":
        return
    if rng.random() < 0.02:
        row[at["state"]] = "failed"
        row[at["failed_at"]] = row[at["decided_at"]] + timedelta(minutes=5)
        row[at["sent_at"]] = None
        row[at["next_attempt_at"]] = None
        row[at["last_error"]] = row[at["last_error"]] or "Network is unreachable"
        row[at["attempts"]] = max(1, row[at["attempts"]])
    else:
        row[at["state"]] = "sent"
        row[at["sent_at"]] = row[at["decided_at"]] + timedelta(minutes=1)
        row[at["failed_at"]] = None
        row[at["next_attempt_at"]] = None
        row[at["last_error"]] = ""
        row[at["attempts"]] = max(1, row[at["attempts"]])
        row[at["attempt_started_at"]] = row[at["sent_at"]]


class Chain:
    """Appends audit entries to the hash chain, continuing from the stored head."""

    def __init__(self, sequence: int, head: str) -> None:
        self.sequence = sequence
        self.head = head
        self.key = audit_key()  # the chain is keyed (CONVENE_AUDIT_KEY), as the app writes it

    def link(self, entry: list[Any]) -> tuple[Any, ...]:
        at, actor_id, username, action, object_type, object_id, child_id, summary, addr = entry
        fields = chain_fields(
            at=at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor_id=actor_id,
            actor_username=username,
            action=action,
            object_type=object_type,
            object_id=object_id,
            child_id=child_id,
            summary=summary,
            remote_addr=addr,
        )
        self.sequence += 1
        digest = entry_hash(fields, self.head, key=self.key)
        row = (self.sequence, self.head, digest, *entry)
        self.head = digest
        return row
