"""The sweep the worker runs every ``CONVENE_SWEEP_SECONDS``: nothing agreed may drift.

In order: breach the clocks past due, raise the escalations due, decide the
reminders due, send the emails due. Every step is idempotent and safe with
several workers at once, so a sweep that dies half way is simply finished by
the next one.
"""

from __future__ import annotations

from datetime import datetime

from convene.clocks.escalations import escalations_raise_due
from convene.clocks.reminders import clock_reminders_decide
from convene.clocks.services import clocks_sweep
from convene.reminders.services import deliveries_send

__all__ = ["sweep_run"]


def sweep_run(*, now: datetime, send: bool = True) -> dict[str, int]:
    """Run one sweep at ``now``; return counts of what it did (the task's result)."""
    breached = clocks_sweep(now=now)
    escalations = escalations_raise_due(now=now)
    reminders = clock_reminders_decide(now=now)
    report = {"breached": len(breached), "escalations": len(escalations), "reminders": reminders}
    if send:
        report.update(deliveries_send(now=now).as_dict())
    return report
