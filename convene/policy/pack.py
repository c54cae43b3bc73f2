"""A loaded, validated policy pack: every rule version of the pack and its bases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from convene.policy.schema import Document, Rule
from convene.workdays import WorkingCalendar, get_calendar

__all__ = ["Citation", "PolicyPack", "PolicyRef", "in_force", "origin_of"]


def origin_of(rule_id: str) -> str:
    """The pack or standard that defines a rule: the first part of its id."""
    return rule_id.split(".", 1)[0]


@dataclass(frozen=True)
class PolicyRef:
    """What a case stores: the pack it was decided under.

    ``digest`` identifies the exact merged content (bases and standards
    included), so a case can tell whether the pack has changed since.
    """

    policy_id: str
    version: str
    digest: str


@dataclass(frozen=True)
class Citation:
    requirements: tuple[str, ...]
    document: str  # the document's title
    paragraph: str

    def __str__(self) -> str:
        return f"{', '.join(self.requirements)}: {self.document}, {self.paragraph}"


@dataclass(frozen=True, eq=False)
class PolicyPack:
    id: str
    title: str
    version: str
    conventions: str
    # (id, version) of every file merged into this pack, bases first, the pack last.
    lineage: tuple[tuple[str, str], ...]
    closure_days: frozenset[date]
    # Every version of every rule, bases first; see rules_in_force().
    rules: tuple[Rule, ...]
    # Documents by the id of the file that names them, then by short name.
    documents: Mapping[str, Mapping[str, Document]]
    digest: str
    files: tuple[Path, ...]
    _in_force: dict[date, tuple[Rule, ...]] = field(default_factory=dict, init=False, repr=False)
    # One tuple for every day with the same rules in force, so answers can be kept per set.
    _distinct: dict[tuple[int, ...], tuple[Rule, ...]] = field(
        default_factory=dict, init=False, repr=False
    )
    # The engine's answers kept for this pack (``convene.policy.engine``), bounded.
    memo: dict[tuple[object, ...], object] = field(default_factory=dict, init=False, repr=False)

    @property
    def ref(self) -> PolicyRef:
        return PolicyRef(policy_id=self.id, version=self.version, digest=self.digest)

    @property
    def calendar(self) -> WorkingCalendar:
        return get_calendar(self.closure_days)

    def rules_in_force(self, day: date) -> tuple[Rule, ...]:
        """The rules that govern a case whose reference date is ``day``."""
        if day not in self._in_force:
            rules = in_force(self.rules, day)
            self._in_force[day] = self._distinct.setdefault(tuple(map(id, rules)), rules)
        return self._in_force[day]

    def citation(self, rule: Rule) -> Citation:
        document = self.documents[origin_of(rule.id)][rule.source.document]
        return Citation(
            requirements=rule.source.requirements,
            document=document.title,
            paragraph=rule.source.paragraph,
        )


def in_force(rules: tuple[Rule, ...], day: date) -> tuple[Rule, ...]:
    # A replacing rule hides its targets only while it is itself in force, so
    # a case from before a local rule began still gets the base rule it had.
    active = [rule for rule in rules if rule.in_force_on(day)]
    replaced = {target for rule in active for target in rule.replaces}
    return tuple(rule for rule in active if rule.id not in replaced)
