"""Raising, acknowledging and resolving escalations (R004.8).

One room each:

* :mod:`.automatic`: for every breached clock, each level of the pack's
  escalation rule whose time has come (:func:`convene.clocks.schedule.escalation_levels_due`);
  the sweep that finds the clocks is :mod:`convene.clocks.escalation_sweep`.
* :mod:`.manual`: a person raises one by hand; :mod:`.validation` says everything
  wrong with the request at once.
* :mod:`.routing`: who a level is for (roles in the partnership's children's social
  care, parties as the subject's app resolves them, :mod:`convene.clocks.parties`).
* :mod:`.notices`: audit entries and notices (in-app and email, through the outbox).
* :mod:`.answers`: the addressed side acknowledges, then resolves with an outcome.

Callers import from here; the names below are the public ones.
"""

from convene.clocks.escalations.answers import escalation_acknowledge, escalation_resolve
from convene.clocks.escalations.automatic import _automatic_create, clock_escalate_due
from convene.clocks.escalations.errors import EscalationError
from convene.clocks.escalations.manual import MANUAL_CITATION, escalation_raise
from convene.clocks.escalations.notices import (
    AUTOMATIC_ACTOR,
    BLIND_SUBJECT,
    NOTICE_ACKNOWLEDGED,
    NOTICE_RAISED,
    NOTICE_RESOLVED,
    clock_audit_look,
    escalation_audit_look,
)
from convene.clocks.escalations.validation import escalation_raise_problems

__all__ = [
    "AUTOMATIC_ACTOR",
    "BLIND_SUBJECT",
    "MANUAL_CITATION",
    "NOTICE_ACKNOWLEDGED",
    "NOTICE_RAISED",
    "NOTICE_RESOLVED",
    "EscalationError",
    "_automatic_create",
    "clock_audit_look",
    "clock_escalate_due",
    "escalation_acknowledge",
    "escalation_audit_look",
    "escalation_raise",
    "escalation_raise_problems",
    "escalation_resolve",
]
