from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from convene.people.models import Professional
from convene.reminders import selectors


def notifications(request: HttpRequest) -> dict[str, object]:
    """The unread badge for the navigation ("" none, up to "99+"), counted only when a page
    shows it."""
    user = getattr(request, "user", None)
    if not isinstance(user, Professional) or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(lambda: selectors.notifications_badge(user=user)),
        "may_manage_deliveries": SimpleLazyObject(
            lambda: selectors.may_manage_deliveries(user=user)
        ),
    }
