"""Who may still read a notice: asked of the app that wrote it, registered once.

A delivery is *from* a row of another app (a clock's reminder, an escalation's
notice). Whether its recipient may still see that row is that app's answer, not
the outbox's: the outbox sits below the apps that use it (tests/test_architecture.py
``LAYERS``) and never imports them. So each such app registers, in its
``AppConfig.ready()``::

    register_notice_source(Escalation, NoticeSource(visible=escalations_visible_to))

and :mod:`convene.reminders.notices` and :mod:`convene.reminders.selectors` ask
every registered source in one set-based query each, never per row. Deliveries
from a model nobody registered are always shown to their recipient (a notice
that names no record).

A source may also say whether a reminder about one of its rows is still due
(``still_due``): the outbox asks just before it sends such an email, and skips it
when the thing is done (a clock met or waived after the reminder was queued).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet

__all__ = ["NoticeSource", "notice_sources", "register_notice_source", "still_due"]


@dataclass(frozen=True)
class NoticeSource:
    """How to tell which rows of a source model a person may still see."""

    # ``visible(user=...)``: a queryset of the source rows ``user`` may see (used as a
    # subquery, narrowed to a page's ids where only a page is asked).
    visible: Callable[..., QuerySet[Any]]
    # ``visible_among(user=..., ids=...)``: which of a page's ``ids`` ``user`` may see, when
    # the source can answer that from the ids more cheaply than ``visible`` narrowed to them.
    visible_among: Callable[..., set[int]] | None = None
    # Kinds of notice that name nothing of their source (told blind): always shown.
    open_kinds: frozenset[str] = field(default_factory=frozenset)
    # ``still_due(ids)``: which of these source rows a reminder is still due about (a clock
    # still running); an email about any other is skipped when its turn comes. None: always.
    still_due: Callable[[set[int]], set[int]] | None = None


_sources: dict[type[models.Model], NoticeSource] = {}


def register_notice_source(model: type[models.Model], source: NoticeSource) -> None:
    """Notices from ``model`` rows are shown while ``source.visible`` includes the row;
    registering again replaces it."""
    _sources[model] = source


def notice_sources() -> dict[type[models.Model], NoticeSource]:
    return dict(_sources)


def still_due(model: type[models.Model] | None, source_id: int) -> bool:
    """Whether an email about row ``source_id`` of ``model`` is still due, as its registered
    source says; True when no source answers (nothing says it is done)."""
    source = _sources.get(model) if model is not None else None
    if source is None or source.still_due is None:
        return True
    return source_id in source.still_due({source_id})
