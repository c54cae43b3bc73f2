"""Checks every HTML page a test renders: one <h1>, a title that starts with it
(and with "Error:" when the page shows an error summary), no duplicate ids,
a one-time ``form_token`` in every POST form (issue 12: a double submit creates once),
and plain words (issue 18): no rule ids, policy pack keys, priorities or ISO dates in
the text people read, except inside a <details> ("Why?") where citations belong.
``plain_words_problems`` checks the text of an email or a PDF the same way."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# What a social worker should never have to read in the main text of a page, email or PDF.
JARGON = {
    # R004.3, R002.8: the requirement ids of REQUIREMENTS.md (R000007, a referral, is fine).
    "a rule id": re.compile(r"(?<![A-Za-z0-9])R\d{3}(?:\.\d+)?(?![0-9])"),
    # england.pathway.strategy_discussion, qs2014.record_distributed: a pack's keys.
    "a policy pack key": re.compile(
        r"(?<![@/\w.])[a-z][a-z0-9]*(?:\.[a-z0-9_]+)*\.[a-z0-9]*_[a-z0-9_]*"
    ),
    "a rule priority": re.compile(r"\bpriority \d+", re.IGNORECASE),
    "an ISO date": re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w])"),
}


def plain_words_problems(text: str) -> list[str]:
    """The jargon in some text people read (an email body, a PDF's text), each with the
    words around it so the page that shows it is easy to find."""
    text = " ".join(text.split())
    problems = []
    for what, pattern in JARGON.items():
        for match in list(pattern.finditer(text))[:3]:
            around = text[max(0, match.start() - 60) : match.end() + 20]
            problems.append(f"{what} in the main text: {match.group()!r} in {around!r}")
    return problems


# Text people copy rather than read: a random secret such as "R237 2WJ6 ..." (an
# authenticator key) is not a rule id, so <code> is skipped like scripts and styles.
_NOT_PROSE = ("script", "style", "textarea", "code")


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.h1_texts: list[str] = []
        self.title = ""
        self.has_error_summary = False
        self._in_h1 = 0
        self._in_title = False
        # Each POST form's action (or "" for this page) and whether it carries a form token.
        self.post_forms: list[list[object]] = []
        self._in_post_form = False
        # The text people read: outside <details>, scripts and styles.
        self.main_text: list[str] = []
        self._in_details = 0
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"] or "")
        if "govuk-error-summary" in (attributes.get("class") or "").split():
            self.has_error_summary = True
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self.post_forms.append([attributes.get("action") or "", False])
            self._in_post_form = True
        elif (
            tag == "input"
            and self._in_post_form
            and attributes.get("name") == "form_token"
            and len(attributes.get("value") or "") == 32
        ):
            self.post_forms[-1][1] = True
        if tag == "h1":
            self._in_h1 += 1
            self.h1_texts.append("")
        elif tag == "title":
            self._in_title = True
        elif tag == "details":
            self._in_details += 1
        elif tag in _NOT_PROSE:
            self._in_code += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_post_form = False
        if tag == "h1":
            self._in_h1 -= 1
        elif tag == "title":
            self._in_title = False
        elif tag == "details":
            self._in_details -= 1
        elif tag in _NOT_PROSE:
            self._in_code -= 1

    def handle_data(self, data: str) -> None:
        if not self._in_details and not self._in_code:
            self.main_text.append(data)
        if self._in_h1:
            self.h1_texts[-1] += data
        if self._in_title:
            self.title += data


def _squash(text: str) -> str:
    return " ".join(text.split())


def check_page(html: str, *, plain_words: bool = True) -> list[str]:
    """The problems of one rendered page (an empty list when it is sound)."""
    parser = _PageParser()
    parser.feed(html)
    problems = []
    if len(parser.h1_texts) != 1:
        problems.append(f"expected one <h1>, found {len(parser.h1_texts)}")
    untokened = [str(action) or "(this page)" for action, ok in parser.post_forms if not ok]
    if untokened:
        problems.append(
            "POST forms without a one-time form_token ({% csrf_token %} writes it): "
            + ", ".join(untokened)
        )
    duplicates = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate ids: {', '.join(duplicates)}")
    title = _squash(parser.title)
    if parser.h1_texts:
        heading = _squash(parser.h1_texts[0])
        expected = f"Error: {heading}" if parser.has_error_summary else heading
        if not title.startswith(expected):
            problems.append(f"title {title!r} does not start with {expected!r}")
    if plain_words:
        problems.extend(plain_words_problems(" ".join(parser.main_text)))
    return problems
