"""Optimistic locking, written once: lock the stored row and refuse a stale version.

Models that count their changes carry ``version``, ``modified_by`` and
``modified_at``; a service locks the row with :func:`locked_at_version` before it
changes it, so a form opened on an older version is refused with who changed it and
when (``core.errors.stale``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.db import models

from convene.core.errors import require_aware, stale

M = TypeVar("M", bound=models.Model)


def locked_at_version(
    obj: M,
    *,
    expected_version: int | None,
    now: datetime,
    noun: str,
    related: Sequence[str] = (),
) -> M:
    """The row as stored, locked for this transaction; StaleVersion if it moved on.

    ``related`` are the rows the caller reads next, fetched in the same query.
    """
    rows: Any = type(obj)._default_manager.select_for_update()
    if related:
        rows = rows.select_related(*related)
    current: Any = rows.get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise stale(
            noun=noun, changed_by=current.modified_by, changed_at=current.modified_at, now=now
        )
    return current  # type: ignore[no-any-return]


def save_as_next_version(obj: Any, *, by: Any, fields: Sequence[str]) -> None:
    """Save ``fields`` of a locked row as its next version, by ``by``."""
    obj.version += 1
    obj.modified_by = by
    obj.save(update_fields=[*fields, "version", "modified_by", "modified_at"])


def locked_for_change(
    obj: M,
    *,
    check: Callable[[], None],
    now: datetime,
    expected_version: int | None,
    noun: str,
    related: Sequence[str] = (),
    moments: Mapping[str, datetime] | None = None,
) -> M:
    """The steps every change to a versioned row takes first, in this order: each time given
    carries a zone (``moments``, then ``now``), the person may make the change (``check``
    raises if not), and the row is locked at the version the person saw."""
    for name, moment in {**(moments or {}), "now": now}.items():
        require_aware(moment, name)
    check()
    return locked_at_version(
        obj, expected_version=expected_version, now=now, noun=noun, related=related
    )
