"""Optimistic locking, written once: lock the stored row and refuse a stale version.

Models that count their changes carry ``version``, ``modified_by`` and
``modified_at``; a service locks the row with :func:`locked_at_version` before it
changes it, so a form opened on an older version is refused with who changed it and
when (``core.errors.stale``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from django.db import models

from convene.core.errors import stale

M = TypeVar("M", bound=models.Model)


def locked_at_version(obj: M, *, expected_version: int | None, now: datetime, noun: str) -> M:
    """The row as stored, locked for this transaction; StaleVersion if it moved on."""
    current: Any = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise stale(
            noun=noun, changed_by=current.modified_by, changed_at=current.modified_at, now=now
        )
    return current  # type: ignore[no-any-return]
