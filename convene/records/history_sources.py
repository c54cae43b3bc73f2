"""What apps above records show with a record's history, without records importing them.

An app registers a source at ``ready()``; the record's "Authorised versions" page lists
what the sources give beside the versions (issue 16: each agency's check, and each update
to it, is kept and shown with the record's history).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from convene.discussions.models import Discussion


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    what: str
    # Where the reader finds it in full (a page of the app that gave it), if anywhere.
    link: str = ""


# A source answers with its entries for the discussion (the reader may already see it).
HistorySource = Callable[[Discussion], list[HistoryEntry]]

_sources: dict[str, HistorySource] = {}


def register_history_source(name: str, source: HistorySource) -> None:
    _sources[name] = source


def history_for(discussion: Discussion) -> list[HistoryEntry]:
    """Every source's entries, oldest first."""
    entries = [entry for source in _sources.values() for entry in source(discussion)]
    return sorted(entries, key=lambda entry: entry.at)
