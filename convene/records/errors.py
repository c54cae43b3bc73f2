"""The record's refusals, on top of the shared service errors (``convene.core.errors``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from convene.core.errors import Conflict, Invalid
from convene.policy.vocab import RecordSection


@dataclass(frozen=True)
class MissingSection:
    """A section the policy requires for the decision that is not complete."""

    section: RecordSection
    title: str
    rule_ids: tuple[str, ...]
    citation: str

    def __str__(self) -> str:
        return f"{self.title} ({self.citation})"


class RecordIncomplete(Invalid):
    """Authorising refused: the sections listed are required and not complete."""

    def __init__(self, missing: Sequence[MissingSection], *, message: str = "") -> None:
        self.missing = tuple(missing)
        super().__init__(
            message
            or "The record cannot be authorised until these sections are complete: "
            + "; ".join(str(m) for m in self.missing)
        )


class SectionConflict(Conflict):
    """A save from a form opened on an older version of the section: nothing was saved."""

    def __init__(
        self,
        *,
        section: RecordSection,
        current: Mapping[str, Any],
        current_version: int,
        saved_by: str,
        saved_at: datetime | None,
        yours: Mapping[str, Any],
    ) -> None:
        self.section = section
        self.current = dict(current)
        self.current_version = current_version
        self.saved_by = saved_by
        self.saved_at = saved_at
        self.yours = dict(yours)
        super().__init__(
            f"{saved_by} saved this section since you opened it. Your changes were not saved."
        )
