"""Clocks and escalations in the one access layer (``convene.core.access``).

* A clock: read if it is in ``clocks_visible_to``; nobody changes a clock by
  hand — it is started, met and waived by the service of the record it times,
  so changing it is changing that record (its own rule).
* An escalation: read if it is in ``escalations_visible_to``; acknowledged and
  resolved by those ``escalation_may_act`` names (the side it is addressed to). Its
  links to the people and agencies it is addressed to are parts of it.
"""

from __future__ import annotations

from convene.clocks.models import Clock, Escalation, EscalationAddressee, EscalationAgency
from convene.clocks.selectors import clocks_visible_to, escalation_may_act, escalations_visible_to
from convene.core.access import (
    READS,
    AccessAction,
    can,
    has_rule,
    in_selector,
    part_of,
    read_where_seen,
    rule_for,
    seen_through,
)
from convene.people.models import Professional


@rule_for(Clock)
def _clock_rule(user: Professional, action: AccessAction, clock: Clock) -> bool:
    if not in_selector(clocks_visible_to, user=user, obj=clock):
        return False
    if action in READS:
        return True
    subject = clock.subject
    return (
        subject is not None
        and has_rule(type(subject))
        and can(user=user, action=AccessAction.CHANGE, obj=subject)
    )


def _may_act_on(user: Professional, escalation: Escalation) -> bool:
    return escalation_may_act(user=user, escalation=escalation)


seen_through(Clock, clocks_visible_to)
read_where_seen(Escalation, escalations_visible_to, may_act=_may_act_on)
# Whom an escalation is addressed to is part of it: seen with it, never on its own.
part_of(EscalationAddressee, parent=lambda link: link.escalation, via="escalation")
part_of(EscalationAgency, parent=lambda link: link.escalation, via="escalation")
