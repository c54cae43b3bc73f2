"""Who a clock reminder is addressed to: the people responsible, then the ladder above them.

Before the due time a reminder goes to whoever answers for the subject
(:func:`convene.clocks.parties.resolve_responsible`, read per batch: the allocated social
worker, the chair, the action's owner or owner agency), not to every manager of
the partnership. Once the clock is overdue it goes also to the first rung of the
pack's escalation ladder for that kind of clock (its roles, usually the team
managers), since the breach is theirs to chase. When nobody is responsible (no
allocation yet, a subject whose app names nobody) the partnership's team
managers are reminded, as before issue 18.

Who may see the subject is decided afterwards, for all of them at once
(:func:`convene.clocks.audience.audience_for`). The managers of a role are read
once per partnership and role set per sweep (``cache``), never per recipient.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from convene.clocks.models import Clock
from convene.clocks.parties import PartyMembers
from convene.clocks.schedule import ReminderKind
from convene.clocks.selectors import REMINDER_ROLES, social_care_with_roles
from convene.people.models import Agency, Professional
from convene.people.vocab import Role
from convene.policy.engine import escalation_levels
from convene.policy.errors import PolicyInvalid
from convene.policy.loader import UnknownPolicy, load_pack
from convene.policy.vocab import ClockKind
from convene.workdays import london_date

__all__ = ["RecipientCache", "reminder_recipients"]

logger = logging.getLogger(__name__)


@dataclass
class RecipientCache:
    """What one sweep reads once: role holders per partnership, ladder roles per rule set."""

    holders: dict[tuple[int, frozenset[Role]], list[Professional]] = field(default_factory=dict)
    ladder: dict[tuple[str, str, object], frozenset[Role]] = field(default_factory=dict)


def _holders(cache: RecipientCache, clock: Clock, roles: frozenset[Role]) -> list[Professional]:
    key = (clock.partnership_id, roles)
    if key not in cache.holders:
        cache.holders[key] = list(
            social_care_with_roles(partnership=clock.partnership, roles=roles)
        )
    return cache.holders[key]


def _first_rung(cache: RecipientCache, clock: Clock) -> frozenset[Role]:
    """The roles of the pack's first escalation level with roles for this kind of clock;
    the team managers when the pack names none (or cannot be read: logged)."""
    on = london_date(clock.started_at)
    key = (clock.policy_id, clock.kind, on)
    if key not in cache.ladder:
        roles: frozenset[Role] = frozenset()
        try:
            steps = escalation_levels(load_pack(clock.policy_id), ClockKind(clock.kind), on=on)
        except (UnknownPolicy, PolicyInvalid) as error:
            logger.error("Reminders of policy %r go to the managers: %s", clock.policy_id, error)
            steps = []
        for step in steps:
            if step.roles:
                roles = frozenset(step.roles)
                break
        cache.ladder[key] = roles or frozenset(REMINDER_ROLES)
    return cache.ladder[key]


def _unique(people: Iterable[Professional]) -> list[Professional]:
    return list({person.pk: person for person in people}.values())


def reminder_recipients(
    *,
    clock: Clock,
    responsible: PartyMembers | None,
    kind: ReminderKind,
    cache: RecipientCache,
) -> tuple[list[Professional], list[Agency]]:
    """Who ``kind`` of reminder about ``clock`` is addressed to, before need-to-know;
    ``responsible`` is who answers for its subject (read for the sweep's batch:
    :meth:`convene.clocks.sweep_batch.SweepBatch.responsible`)."""
    if not responsible:
        return list(_holders(cache, clock, frozenset(REMINDER_ROLES))), []
    people = list(responsible.professionals)
    if kind == ReminderKind.OVERDUE:
        people = _unique([*people, *_holders(cache, clock, _first_rung(cache, clock))])
    return people, list(responsible.agencies)
