"""Reads of deliveries: a person's in-app notifications, and failed emails for admins."""

from __future__ import annotations

from django.db.models import QuerySet

from convene.people.models import Professional
from convene.people.selectors import partnerships_of
from convene.people.vocab import Role
from convene.reminders.models import Delivery

__all__ = [
    "deliveries_failed_visible_to",
    "deliveries_visible_to",
    "may_manage_deliveries",
    "notifications_for",
    "notifications_unread_count",
]


def notifications_for(*, user: Professional) -> QuerySet[Delivery]:
    return Delivery.objects.filter(recipient=user, channel=Delivery.Channel.IN_APP).order_by(
        "-decided_at", "-pk"
    )


def notifications_unread_count(*, user: Professional) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()


def may_manage_deliveries(*, user: Professional) -> bool:
    """Partnership admins (and superusers) see and retry failed emails."""
    return user.is_active and (user.is_superuser or user.has_role(Role.PARTNERSHIP_ADMIN))


def deliveries_failed_visible_to(*, user: Professional) -> QuerySet[Delivery]:
    """Failed emails of the partnerships the admin's agency serves, and no other's.

    A superuser is no exception: an email carries a partnership's case
    details (subject, recipient), and nobody sees another partnership's data
    (docs/access.md). Operators without an agency use the Django admin.
    """
    if not may_manage_deliveries(user=user):
        return Delivery.objects.none()
    return Delivery.objects.filter(
        state=Delivery.State.FAILED, partnership__in=partnerships_of(user=user)
    )


def deliveries_visible_to(*, user: Professional) -> QuerySet[Delivery]:
    """Every delivery ``user`` may see: their own notifications, and (partnership admins) the
    failed emails of their partnerships. An email is not shown to its recipient in the
    app: its notification is."""
    return notifications_for(user=user).order_by() | deliveries_failed_visible_to(user=user)
