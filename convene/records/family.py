"""The family summary: the only reading of a record that anything family-facing may use.

Parents and carers never attend (R002.10) but are told what professionals
shared, unless a decision was made that this would put the child at greater
risk or harm a police investigation (R003.5, R001.13). So:

* a part that is internal by nature (attendance, criminal investigation, ABE,
  what is shared with the family, LADO and legal action, the close) is never
  in it;
* every item marked "not to be shared with the family" is left out;
* when the record says nothing is to be shared for now, the summary is
  withheld entirely, and not even the reason is in it.

Pure: it reads a frozen version's snapshot (``convene.records.snapshot``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from convene.policy.vocab import RecordSection
from convene.records.sections import PARTS, FamilyCommunicationContent, Item, Sharing, items

__all__ = ["FamilySection", "FamilySummary", "family_summary", "family_summary_text"]


@dataclass(frozen=True)
class FamilySection:
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class FamilySummary:
    reference: str
    children: tuple[str, ...]
    held_on: str
    withheld: bool
    sections: tuple[FamilySection, ...]


def _sharing(parts: Mapping[str, Any]) -> Sharing | None:
    content = parts.get(RecordSection.FAMILY_COMMUNICATION.value) or {}
    return FamilyCommunicationContent.model_validate(content).sharing


def family_summary(snapshot: Mapping[str, Any]) -> FamilySummary:
    parts: Mapping[str, Any] = snapshot.get("parts", {})
    children = tuple(child["name"] for child in snapshot.get("children", []))
    withheld = _sharing(parts) == Sharing.NONE
    sections: list[FamilySection] = []
    if not withheld:
        for part in PARTS:
            if part.internal:
                continue
            shared = tuple(
                item
                for item in items(part.section, parts.get(part.section.value))
                if not item.not_for_family
            )
            if shared:
                sections.append(FamilySection(part.title, shared))
    return FamilySummary(
        reference=str(snapshot.get("reference", "")),
        children=children,
        held_on=str(snapshot.get("held_on", "")),
        withheld=withheld,
        sections=tuple(sections),
    )


def family_summary_text(summary: FamilySummary) -> str:
    """Plain text of the summary (what a letter or a family-facing export would carry)."""
    lines = [
        f"Strategy discussion {summary.reference}, held {summary.held_on}",
        f"About: {', '.join(summary.children)}",
        "",
    ]
    if summary.withheld:
        lines.append("Nothing from this discussion is to be shared with the family for now.")
        return "\n".join(lines)
    for section in summary.sections:
        lines.append(section.title)
        for item in section.items:
            lines.append(f"{item.label}: {item.text}" if item.label else item.text)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
