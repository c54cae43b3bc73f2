"""Checks every HTML page a test renders: one <h1>, a title that starts with it
(and with "Error:" when the page shows an error summary), no duplicate ids."""

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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"] or "")
        if "govuk-error-summary" in (attributes.get("class") or "").split():
            self.has_error_summary = True
        if tag == "h1":
            self._in_h1 += 1
            self.h1_texts.append("")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
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
