"""``{% csrf_token %}`` that also writes the form's one-time token (``convene/core/once.py``).

A builtin (settings.TEMPLATES), loaded after Django's own, so every POST form that
carries the CSRF token - that is, every POST form - carries a one-time token too,
without each template having to remember it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.safestring import SafeString

from convene.core.once import FORM_FIELD, form_token_new

register = template.Library()


class CsrfAndFormTokenNode(CsrfTokenNode):
    def render(self, context: template.Context) -> SafeString:
        csrf = super().render(context)
        if not csrf:
            return SafeString("")
        once = format_html(
            '<input type="hidden" name="{}" value="{}">', FORM_FIELD, form_token_new()
        )
        return SafeString(csrf + once)


@register.tag(name="csrf_token")
def csrf_token(parser: template.base.Parser, token: Any) -> CsrfAndFormTokenNode:
    return CsrfAndFormTokenNode()
