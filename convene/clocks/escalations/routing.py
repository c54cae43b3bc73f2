"""Who an escalation is for: the pack's levels for a clock, and the people and agencies a
level names (its roles in the partnership's social care, its parties as the subject's
app resolves them, the partnership's admins when nobody answers).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from convene.clocks.labels import CLOCK_KIND_LABELS
from convene.clocks.models import Clock, Escalation
from convene.clocks.parties import PartyMembers, resolve_party
from convene.clocks.sweep_batch import SweepBatch
from convene.people.models import Agency, Partnership, Professional
from convene.policy.engine import EscalationStep, escalation_levels
from convene.policy.errors import PolicyInvalid
from convene.policy.loader import UnknownPolicy, load_pack
from convene.policy.vocab import ClockKind, Party
from convene.workdays import WorkingCalendar, london_date

logger = logging.getLogger(__name__)

Plan = tuple[list[EscalationStep], WorkingCalendar]


def _plan(policy_id: str, kind: str, started_at: datetime) -> Plan | None:
    """The escalation levels for a clock, and the calendar to count working days with."""
    try:
        pack = load_pack(policy_id)
    except (UnknownPolicy, PolicyInvalid) as error:
        logger.error("Cannot escalate clocks of policy %r: %s", policy_id, error)
        return None
    steps = escalation_levels(pack, ClockKind(kind), on=london_date(started_at))
    return steps, pack.calendar


def _unique(people: Iterable[Professional]) -> list[Professional]:
    return list({person.pk: person for person in people}.values())


def _addressees(
    *, partnership: Partnership, subject: object, step: EscalationStep, batch: SweepBatch
) -> tuple[list[Professional], list[Agency], list[str]]:
    """The people and agencies a level is for, and the roles and parties nobody answers to."""
    people: list[Professional] = []
    unresolved: list[str] = []
    for role in step.roles:
        holders = batch.holders(partnership, [role])
        if holders:
            people.extend(holders)
        else:
            unresolved.append(role.value)
    members = PartyMembers()
    for party in step.parties:
        found = resolve_party(subject, party)
        if found:
            members = members + found
        else:
            unresolved.append(party.value)
    people = _unique([*people, *members.professionals])
    agencies = list(members.agencies)
    if not people and not agencies:
        # Nobody to tell is a set-up mistake; the partnership's admins must see it.
        people = list(batch.admins(partnership))
    return people, agencies, unresolved


def _address(
    escalation: Escalation, *, people: Sequence[Professional], agencies: Sequence[Agency]
) -> None:
    # A new escalation has no addressees yet: added, without reading what is there.
    if people:
        escalation.addressed_to.add(*people)
    if agencies:
        escalation.addressed_agencies.add(*agencies)


def _what_is_late(clock: Clock) -> str:
    label = CLOCK_KIND_LABELS[ClockKind(clock.kind)]
    return f"{label}: {clock.summary}"[:300] if clock.summary else label


def _responsible_text(clock: Clock, subject: object, *, batch: SweepBatch) -> str:
    found = batch.responsible(subject)
    if found:
        return found.describe()[:300]
    if clock.kind == ClockKind.ACTION_DUE:
        owner = resolve_party(subject, Party.ACTION_OWNER_AGENCY)
        if owner:
            return owner.describe()[:300]
        return "The agency that owns the action (see the record)"
    names = batch.social_care_names(clock.partnership)
    return (", ".join(names) or "Children's social care")[:300]
