from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from convene.people.models import Professional


def service(request: HttpRequest) -> dict[str, object]:
    """The service's and partnership's names, and the navigation (built only when shown)."""
    context: dict[str, object] = {
        "service_name": settings.SERVICE_NAME,
        "partnership_name": settings.CONVENE_PARTNERSHIP_NAME,
    }
    user = getattr(request, "user", None)
    if isinstance(user, Professional) and user.is_authenticated:
        from convene.navigation import navigation_for

        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match else ""
        context["navigation"] = SimpleLazyObject(lambda: navigation_for(user, view_name))
    return context
