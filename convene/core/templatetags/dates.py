"""``{{ value|govuk_date }}`` and ``{{ value|govuk_datetime }}``: built into every template."""

from __future__ import annotations

from typing import Any

from django import template

from convene.core import dates

register = template.Library()


@register.filter
def govuk_date(value: Any) -> str:
    return dates.govuk_date(value) if value not in (None, "") else ""


@register.filter
def govuk_datetime(value: Any) -> str:
    return dates.govuk_datetime(value) if value not in (None, "") else ""
