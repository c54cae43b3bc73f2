"""The sweep the worker runs every ``CONVENE_SWEEP_SECONDS``: nothing agreed may drift.

In order: breach the clocks past due, raise the escalations due, decide the
reminders due, send the emails due. Every step is idempotent and safe with
several workers at once, so a sweep that dies half way is simply finished by
the next one.

One clock that cannot be escalated or reminded (bad data, a bug) must not
hold up every other clock: its error is logged, the sweep carries on to the
end, and then raises :class:`SweepIncomplete`, so the task shows as failed,
with the clocks named, in the task results.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from convene.clocks.escalation_sweep import escalations_raise_due
from convene.clocks.reminders import clock_reminders_decide
from convene.clocks.services import clocks_sweep
from convene.reminders.services import deliveries_send

__all__ = ["SweepIncomplete", "sweep_run"]

logger = logging.getLogger(__name__)


class SweepIncomplete(RuntimeError):
    """Some clocks could not be handled; everything else was."""

    def __init__(self, failures: list[str], report: dict[str, int]) -> None:
        super().__init__(
            f"{len(failures)} problem(s) in the sweep: {'; '.join(failures)}; done: {report}"
        )
        self.failures = failures
        self.report = report


def sweep_run(*, now: datetime, send: bool = True) -> dict[str, int]:
    """Run one sweep at ``now``; return counts of what it did (the task's result)."""
    failures: list[str] = []

    def failed(step: str) -> Callable[[int, Exception], None]:
        def record(clock_id: int, error: Exception) -> None:
            logger.error("Sweep: could not %s clock %s", step, clock_id, exc_info=error)
            failures.append(f"{step} clock {clock_id}: {type(error).__name__}: {error}")

        return record

    breached = clocks_sweep(now=now)
    escalations = escalations_raise_due(now=now, on_error=failed("escalate"))
    reminders = clock_reminders_decide(now=now, on_error=failed("remind"))
    report = {"breached": len(breached), "escalations": len(escalations), "reminders": reminders}
    if send:
        report.update(deliveries_send(now=now).as_dict())
    if failures:
        raise SweepIncomplete(failures, report)
    return report
