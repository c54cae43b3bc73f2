"""What a part saved incomplete still lacks, said on the next page (issue 18).

A part may be saved half done (a record is written over a day); the person is told
at once what is missing, before the check page refuses to authorise it. The rule is
the section registry's own (``sections.is_complete``); the items are the part's
questions still unanswered where it can say (``Part.missing``), or the titles of the
sections it carries that are not complete.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from convene.policy.vocab import RecordSection
from convene.records import sections
from convene.records.models import Record, RecordSectionEntry

__all__ = ["incomplete_items", "incomplete_note", "incomplete_shown", "saved_contents"]

_SESSION_KEY = "records_incomplete"


def saved_contents(record: Record) -> dict[RecordSection, dict[str, Any]]:
    """Every part's content as stored now (not a record's prefetched entries)."""
    rows = RecordSectionEntry.objects.filter(record=record).values_list("section", "content")
    return {RecordSection(section): content for section, content in rows}


def incomplete_items(section: RecordSection, contents: sections.Contents) -> list[str]:
    """What ``section``'s part still lacks given every part's content; [] when complete."""
    part = sections.part(section)
    items: list[str] = []
    if not sections.is_complete(part.section, contents):
        own = part.missing(part.model(contents.get(part.section)), contents) if part.missing else []
        items += own or [part.title]
    items += [
        part.also_titles[covered]
        for covered in part.also_covers
        if not sections.is_complete(covered, contents)
    ]
    return items


def incomplete_note(request: HttpRequest, *, title: str, items: list[str]) -> None:
    """Keep, for the next page, that the part ``title`` was saved lacking ``items``."""
    if items:
        request.session[_SESSION_KEY] = {"title": title, "items": items}


def incomplete_shown(request: HttpRequest) -> dict[str, object] | None:
    """The note of a part saved incomplete, once: the page that shows it takes it."""
    note = request.session.pop(_SESSION_KEY, None)
    return note if isinstance(note, dict) else None
