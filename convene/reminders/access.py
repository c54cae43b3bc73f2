"""Notifications and failed emails in the one access layer (``convene.core.access``).

A delivery is read and changed (marked read; for a failed email, tried again)
by whoever ``deliveries_visible_to`` shows it to: its recipient, for an in-app
notification, and the partnership admins of its partnership, for a failed email.
"""

from __future__ import annotations

from convene.core.access import AccessAction, in_selector, rule_for, seen_through
from convene.people.models import Professional
from convene.reminders.models import Delivery
from convene.reminders.selectors import deliveries_visible_to


@rule_for(Delivery)
def _delivery_rule(user: Professional, action: AccessAction, delivery: Delivery) -> bool:
    return in_selector(deliveries_visible_to, user=user, obj=delivery)


seen_through(Delivery, deliveries_visible_to)
