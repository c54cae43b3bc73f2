"""``{% why "..." %}``: the citation behind a plain sentence, for those who want it.

Pages say things as a social worker would; the rule ids (R002.8), the procedure's
document and paragraph sit behind a GOV.UK "Why?" details component (issue 18).
Built into every template. Nothing is rendered for an empty citation.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _text(citation: Any) -> str:
    if isinstance(citation, dict):
        # A pack citation: {"requirements": [...], "document": ..., "paragraph": ...}
        parts = [citation.get("document", ""), citation.get("paragraph", "")]
        requirements = ", ".join(citation.get("requirements", []))
        text = ", ".join(p for p in parts if p)
        return f"{text} ({requirements})" if requirements and text else text or requirements
    return str(citation or "").strip()


@register.simple_tag
def why(*citations: Any) -> str:
    text = "; ".join(t for t in (_text(c) for c in citations) if t)
    if not text:
        return ""
    return format_html(
        '<details class="govuk-details convene-why">'
        '<summary class="govuk-details__summary">'
        '<span class="govuk-details__summary-text">Why?</span></summary>'
        '<div class="govuk-details__text">{}</div></details>',
        text,
    )


CITATION_PREFIX = "Rule: "
# An email has no "Why?" to open: its citations go last, under these plain words.
WHY_WE_SENT = "Why we sent this: your partnership's procedure sets this timescale."


def split_citations(body: str) -> tuple[list[str], list[str]]:
    """A notice's lines people read, and its citations (its ``Rule: ...`` lines)."""
    lines = str(body or "").splitlines()
    said = [line for line in lines if not line.startswith(CITATION_PREFIX)]
    rules = [
        line.removeprefix(CITATION_PREFIX) for line in lines if line.startswith(CITATION_PREFIX)
    ]
    return said, rules


def email_text(body: str, *, link: str = "") -> str:
    """A notice as an email (issue 18): what happened, the link, then why, citations last.

    The main text carries no rule id or pack key; those follow "Why we sent this" at the
    end, for anyone who wants to look the rule up.
    """
    said, rules = split_citations(body)
    text = "\n".join(said).rstrip() if rules else body
    if link:
        text += f"\n\nOpen Convene to see it: {link}"
    if rules:
        text += "\n\n" + WHY_WE_SENT + "\n" + "\n".join(rules)
    return text + "\n" if link or rules else text


@register.filter
def with_why(body: str) -> str:
    """A notice's text with its ``Rule: ...`` lines moved behind "Why?" (the email puts
    them last, under "Why we sent this": ``email_text``)."""
    said, rules = split_citations(body)
    text = format_html_join("", "{}<br>", ((line,) for line in said))
    return mark_safe(text + why(*rules))  # noqa: S308 - both parts are escaped above
