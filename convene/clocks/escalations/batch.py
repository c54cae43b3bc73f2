"""A batch of due clocks escalated in one transaction, its writes in bulk (issue 15).

One clock at a time (:func:`.automatic.clock_escalate_due`) each escalation cost
about 20 queries of its own writes. Here the clocks of a sweep batch are locked
together, their levels raised read in one query, and everything decided is then
written once for the whole batch: the escalations (``bulk_create``), their
addressees, the audit entries (one chained append, :func:`convene.audit.services.audit_append`),
the notices (outbox rows) and the clocks' cursors. What is decided, who is told
and what each row says is the one-at-a-time path's own code
(:func:`.automatic._automatic_create` with ``into``), so both write the same rows.

If anything in the batch fails, the whole batch rolls back and the sweep escalates
its clocks one at a time (:mod:`convene.clocks.escalation_sweep`), so one bad clock
holds up no other.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.db.models import prefetch_related_objects

from convene.audit.models import AuditEntry
from convene.audit.services import audit_append, audit_drafts_children
from convene.clocks.escalations import automatic
from convene.clocks.escalations.automatic import Draft, _announce, _levels_to_raise
from convene.clocks.escalations.routing import _plan
from convene.clocks.models import Clock, Escalation
from convene.clocks.schedule import next_escalation_at
from convene.clocks.sweep_batch import SweepBatch, cursors_update, wide_inserts
from convene.people.models import Child
from convene.reminders.models import Delivery
from convene.reminders.outbox_insert import deliveries_insert
from convene.reminders.services import delivery_rows

__all__ = ["clocks_escalate_batch"]


def clocks_escalate_batch(
    *, clock_ids: Sequence[int], now: datetime
) -> tuple[list[Escalation], list[int]]:
    """Raise the levels due of these clocks in one transaction; return (raised, busy).

    ``busy``: clocks still due but held by another transaction (skipped, as
    ``clock_escalate_due`` skips them). Raises whatever goes wrong, having written
    nothing: the caller then takes the clocks one at a time.
    """
    with transaction.atomic():
        due = Clock.objects.filter(
            pk__in=clock_ids, state=Clock.State.BREACHED, escalate_at__lte=now
        )
        clocks = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("partnership")
            .order_by("pk")
        )
        busy: list[int] = []
        if len(clocks) < len(clock_ids):
            busy = list(due.exclude(pk__in=[c.pk for c in clocks]).values_list("pk", flat=True))
        if not clocks:
            return [], busy
        batch = SweepBatch(clocks)
        _prefetch_children(batch.subject_of(clock) for clock in clocks)
        have: dict[int, set[int]] = defaultdict(set)
        for clock_id, level in Escalation.objects.filter(
            clock__in=clocks, direction=Escalation.Direction.AUTOMATIC
        ).values_list("clock_id", "level"):
            have[clock_id].add(level)
        drafts: list[Draft] = []
        moved: list[Clock] = []
        for clock in clocks:
            plan = _plan(clock.policy_id, clock.kind, clock.started_at)
            if plan is None:
                continue  # logged; the cursor stays, so a mended pack escalates it next sweep
            subject = batch.subject_of(clock)
            for level, step in _levels_to_raise(clock, plan=plan, have=have[clock.pk], now=now):
                automatic._automatic_create(
                    clock=clock,
                    subject=subject,
                    level=level,
                    step=step,
                    now=now,
                    batch=batch,
                    into=drafts,
                )
            steps, calendar = plan
            clock.escalate_at = next_escalation_at(
                steps=steps, clock_due_at=clock.due_at, calendar=calendar, raised=have[clock.pk]
            )
            moved.append(clock)
        with wide_inserts():
            _write(drafts, now=now)
            cursors_update(moved, "escalate_at")
    return [draft.escalation for draft in drafts], busy


def _write(drafts: list[Draft], *, now: datetime) -> None:
    """The batch's escalations, then their addressees, audit entries and notices."""
    Escalation.objects.bulk_create([draft.escalation for draft in drafts], batch_size=500)
    _through(Escalation.addressed_to, [(d.escalation, d.people) for d in drafts])
    _through(Escalation.addressed_agencies, [(d.escalation, d.agencies) for d in drafts])
    entries: list[AuditEntry] = []
    rows: list[Delivery] = []

    def record(**fields: Any) -> list[AuditEntry]:
        drafted = audit_drafts_children(**fields)
        entries.extend(drafted)
        return drafted

    def decide(**fields: Any) -> int:
        # A new escalation has no notices yet: nothing to read first.
        decided = delivery_rows(**fields, existing=set())
        rows.extend(decided)
        return len(decided)

    for draft in drafts:
        _announce(draft, now=now, record=record, decide=decide)
    audit_append(entries)
    deliveries_insert(rows)


def _through(descriptor: Any, pairs: Iterable[tuple[Escalation, Sequence[models.Model]]]) -> None:
    """Insert the link rows of a many-to-many field for new escalations (as ``add`` would)."""
    field = descriptor.field
    through = descriptor.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    links = [
        through(**{f"{source}_id": escalation.pk, f"{target}_id": pk})
        for escalation, items in pairs
        for pk in dict.fromkeys(item.pk for item in items)
    ]
    through.objects.bulk_create(links, ignore_conflicts=True, batch_size=500)


def _prefetch_children(subjects: Iterable[object]) -> None:
    """The children each subject is about (the audit entries name them), one query per model."""
    by_model: dict[type, list[models.Model]] = defaultdict(list)
    for subject in subjects:
        if isinstance(subject, models.Model) and not isinstance(subject, Child):
            by_model[type(subject)].append(subject)
    for model, objects in by_model.items():
        path = "children" if hasattr(model, "children") else "record__discussion__children"
        # Not a shape the audit reads children through: then asked per subject.
        with contextlib.suppress(AttributeError, ValueError):
            prefetch_related_objects(list(dict.fromkeys(objects)), path)
