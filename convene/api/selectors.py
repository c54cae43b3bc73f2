from __future__ import annotations

from django.db.models import QuerySet

from convene.api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from convene.people.models import Professional
from convene.people.selectors import partnerships_of
from convene.reminders.selectors import may_manage_deliveries


def api_tokens_of(*, user: Professional) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first. Nobody sees anyone else's."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def may_manage_webhooks(*, user: Professional) -> bool:
    """Partnership admins register their partnership's webhooks: the same rule as for
    failed emails (a case system's address and secret are the partnership's business)."""
    return may_manage_deliveries(user=user)


def webhook_endpoints_managed_by(*, user: Professional) -> QuerySet[WebhookEndpoint]:
    """The endpoints of the partnerships the admin's agency serves; nobody sees another's."""
    if not may_manage_webhooks(user=user):
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(partnership__in=partnerships_of(user=user))


def webhook_deliveries_of(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The delivery log of one endpoint, newest first."""
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-pk")
