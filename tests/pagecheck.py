"""Checks every HTML page a test renders: one <h1>, a title that starts with it
(and with "Error:" when the page shows an error summary), no duplicate ids, and
a one-time ``form_token`` in every POST form (issue 12: a double submit creates once)."""

from __future__ import annotations

from html.parser import HTMLParser


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

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_post_form = False
        if tag == "h1":
            self._in_h1 -= 1
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1_texts[-1] += data
        if self._in_title:
            self.title += data


def _squash(text: str) -> str:
    return " ".join(text.split())


def check_page(html: str) -> list[str]:
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
    return problems
