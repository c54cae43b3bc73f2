"""Reads of deliveries: a person's in-app notifications, and failed emails for admins."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from convene.core.access import among
from convene.people.models import Professional
from convene.people.selectors import partnerships_of
from convene.people.vocab import Role
from convene.reminders.models import Delivery
from convene.reminders.notices import notices_badge, notices_unread_count
from convene.reminders.sources import notice_sources

__all__ = [
    "deliveries_failed_visible_to",
    "deliveries_visible_to",
    "may_manage_deliveries",
    "notifications_badge",
    "notifications_for",
    "notifications_unread_count",
]


def notifications_for(*, user: Professional) -> QuerySet[Delivery]:
    """The person's in-app notifications, but none about a record they may no longer see.

    A notification is theirs once written, but a reminder about a clock, or a notice
    about an escalation, whose record has since gone out of their sight (taken off a
    restricted referral's named people) is hidden, as the record's own page is (404).
    """
    sources = notice_sources()
    types = ContentType.objects.get_for_models(*sources) if sources else {}
    hidden = Q(pk__in=[])
    for model, source in sources.items():
        # A blind notice names nothing (no reference, no link): it is for those who cannot see.
        hidden |= (
            Q(source_type=types[model])
            & ~Q(kind__in=source.open_kinds)
            & ~Q(among(source.visible(user=user), "source_id"))
        )
    return (
        Delivery.objects.filter(recipient=user, channel=Delivery.Channel.IN_APP)
        .exclude(hidden)
        .order_by("-decided_at", "-pk")
    )


def notifications_unread_count(*, user: Professional) -> int:
    """The badge: one indexed count (convene.reminders.notices)."""
    return notices_unread_count(user=user)


def notifications_badge(*, user: Professional) -> str:
    """The badge's text, counted at most to 100 (convene.reminders.notices)."""
    return notices_badge(user=user)


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
