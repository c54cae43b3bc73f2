"""The automatic half of escalation: find the breached clocks whose next level is due.

Reads only the clocks whose cursor (``Clock.escalate_at``) has come, in bounded
batches; each batch is escalated in one transaction with its writes in bulk
(:mod:`convene.clocks.escalations.batch`) and, if that fails, each of its clocks in
its own transaction by :func:`convene.clocks.escalations.clock_escalate_due`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from convene.clocks.escalations import EscalationError, clock_escalate_due
from convene.clocks.escalations.batch import clocks_escalate_batch
from convene.clocks.models import Clock, Escalation
from convene.clocks.sweep_batch import SweepBatch
from convene.core.errors import require_aware

__all__ = ["escalations_raise_due"]

logger = logging.getLogger(__name__)


# Clocks read (ids only) per query of the sweep: memory stays flat however much is due.
_BATCH = 500


def escalations_raise_due(
    *, now: datetime, on_error: Callable[[int, Exception], None] | None = None
) -> list[Escalation]:
    """Raise every escalation level due at ``now`` for breached clocks; return those raised.

    Reads only the clocks whose cursor (``Clock.escalate_at``, partially indexed)
    has come, in batches by primary key, so a sweep with nothing due costs a
    query or two however many clocks breached in the past. Idempotent: a level
    raised before (by this or another worker) is never raised again. Each batch
    is handled in one transaction, which moves its clocks' cursors on to the
    next level (or clears them); if it fails, its clocks are taken one at a time,
    each in its own transaction; with ``on_error``, a clock that fails is reported
    to it (clock id, error), keeps its cursor for the next sweep, and the others
    still escalate; otherwise the error is raised.
    """
    require_aware(now, "now", error=EscalationError)
    raised: list[Escalation] = []
    busy: list[int] = []  # held by another transaction (a reminder moving its cursor)
    after = 0
    while True:
        batch = list(
            Clock.objects.filter(state=Clock.State.BREACHED, escalate_at__lte=now, pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:_BATCH]
        )
        _escalate_many(batch, now=now, raised=raised, busy=busy, on_error=on_error)
        if len(batch) < _BATCH:
            break
        after = batch[-1]
    # A clock skipped because it was locked may only be having its reminder cursor moved:
    # wait for it now rather than leave its escalation to the next sweep. Safe with other
    # workers: the cursor and the levels raised are re-read under the lock.
    for clock_id in busy:
        _escalate_one(clock_id, now=now, raised=raised, busy=None, on_error=on_error)
    return raised


def _escalate_many(
    clock_ids: list[int],
    *,
    now: datetime,
    raised: list[Escalation],
    busy: list[int],
    on_error: Callable[[int, Exception], None] | None,
) -> None:
    """The batch in one transaction, written in bulk; if it fails, one clock at a time."""
    if not clock_ids:
        return
    try:
        done, skipped = clocks_escalate_batch(clock_ids=clock_ids, now=now)
    except Exception:
        logger.warning(
            "Sweep: a batch of %d clocks could not be escalated together; one at a time",
            len(clock_ids),
            exc_info=True,
        )
    else:
        raised.extend(done)
        busy.extend(skipped)
        return
    # Subjects, role holders and who may see what: still read once for the batch.
    try:
        known = SweepBatch(
            list(Clock.objects.filter(pk__in=clock_ids).select_related("partnership"))
        )
    except Exception:
        known = None  # each clock reads its own
    for clock_id in clock_ids:
        _escalate_one(clock_id, now=now, raised=raised, busy=busy, on_error=on_error, batch=known)


def _escalate_one(
    clock_id: int,
    *,
    now: datetime,
    raised: list[Escalation],
    busy: list[int] | None,
    on_error: Callable[[int, Exception], None] | None,
    batch: SweepBatch | None = None,
) -> None:
    try:
        done = clock_escalate_due(clock_id=clock_id, now=now, wait=busy is None, batch=batch)
    except Exception as error:
        if on_error is None:
            raise
        on_error(clock_id, error)
        return
    if done is None:
        if busy is not None:
            busy.append(clock_id)
        return
    raised.extend(done)
