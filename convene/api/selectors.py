from __future__ import annotations

from django.db.models import QuerySet

from convene.api.models import ApiToken
from convene.people.models import Professional


def api_tokens_of(*, user: Professional) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first. Nobody sees anyone else's."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
