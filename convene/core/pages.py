"""How a page calls a service: the refusal shows on its form, not allowed is 403, not found 404."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from convene.core.errors import NotAllowed, NotFound, ServiceError
from convene.core.forms import add_service_errors

T = TypeVar("T")


def attempt(
    form: forms.BaseForm, call: Callable[[], T], *, field_of: Mapping[str, str] | None = None
) -> T | None:
    """Call a service: its refusal shows on the form (``field_of`` maps a service's argument to
    the form field that carries it); not allowed is 403, not found 404."""
    try:
        return call()
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except NotFound as error:
        raise Http404(error.message) from error
    except ServiceError as error:
        add_service_errors(form, error, field_of)
        return None


def version_of(form: forms.BaseForm) -> int | None:
    value: Any = form.cleaned_data.get("version")
    return value if isinstance(value, int) else None


def posted(request: HttpRequest) -> Any:
    """The POST data to bind a form to, even when empty (a form of optional fields still
    submits), or None for a GET."""
    return request.POST if request.method == "POST" else None
