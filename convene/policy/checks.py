"""Checks that need more than one key: within a rule, within a file, across a merged pack.

Each check returns every problem it finds; the loader gathers them all before
it decides whether anything loads.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from convene.policy.errors import PolicyError
from convene.policy.pack import in_force, origin_of
from convene.policy.schema import (
    AttendanceRule,
    EscalationRule,
    PackFile,
    PathwayRule,
    Rule,
    StandardFile,
    TimescaleRule,
)
from convene.policy.vocab import Basis
from convene.workdays import Unit, WorkingCalendar

__all__ = ["check_file", "check_merged", "check_readings", "check_replaces"]


def check_file(
    file: str, header: PackFile | StandardFile, rules: Sequence[Rule]
) -> list[PolicyError]:
    problems: list[PolicyError] = []
    for rule in rules:
        problems += [
            PolicyError(file, rule.id, key, msg) for key, msg in _rule_problems(header, rule)
        ]
    problems += _version_problems(file, rules)
    if isinstance(header, PackFile) and header.closure_days:
        try:
            WorkingCalendar(closure_days=header.closure_days)
        except ValueError as error:
            problems.append(PolicyError(file, None, "closure_days", str(error)))
    return problems


def _rule_problems(header: PackFile | StandardFile, rule: Rule) -> list[tuple[str, str]]:
    problems = []
    if origin_of(rule.id) != header.id:
        problems.append(("id", f"rule ids in this file start with {header.id + '.'!r}"))
    if rule.source.document not in header.documents:
        named = ", ".join(sorted(header.documents)) or "none"
        problems.append(
            (
                "source.document",
                f"unknown document {rule.source.document!r}; [documents] names: {named}",
            )
        )
    if rule.effective_to is not None and rule.effective_to < rule.effective_from:
        problems.append(("effective_to", "is before effective_from"))
    for target in rule.replaces:
        if origin_of(target) == header.id:
            problems.append(
                (
                    "replaces",
                    f"{target!r} is in this file: add a version with its own "
                    "effective_from and effective_to instead",
                )
            )
    problems += _kind_problems(rule)
    return problems


def _timescale_problems(rule: TimescaleRule) -> list[tuple[str, str]]:
    problems = []
    if rule.unit == Unit.SAME_DAY and rule.amount != 0:
        problems.append(("amount", "a same_day timescale takes amount = 0"))
    if rule.basis != Basis.STATED and rule.interpretation is None:
        problems.append(
            ("interpretation", f"basis {rule.basis!s} needs an interpretation saying why")
        )
    return problems


def _pathway_problems(rule: PathwayRule) -> list[tuple[str, str]]:
    if rule.applies_when.mentions("pathway"):
        return [("applies_when.pathway", "a pathway rule cannot depend on the pathway it decides")]
    return []


def _attendance_problems(rule: AttendanceRule) -> list[tuple[str, str]]:
    if bool(rule.roles) == (rule.party is not None):
        return [("roles", "give either roles or party, not both or neither")]
    return []


def _escalation_problems(rule: EscalationRule) -> list[tuple[str, str]]:
    problems = []
    if not rule.applies_when.is_empty:
        problems.append(
            (
                "applies_when",
                "escalation rules apply to every case; a local pack replaces them instead",
            )
        )
    previous = 0
    for i, level in enumerate(rule.levels):
        if not (level.roles or level.parties):
            problems.append((f"levels[{i}]", "name the roles or parties to tell"))
        if level.after_working_days < previous:
            problems.append(
                (f"levels[{i}].after_working_days", "levels must be in escalating order")
            )
        previous = level.after_working_days
    return problems


# Each kind of rule's own checks, looked up by the rule's class.
_KIND_CHECKS: dict[type, Callable[[Any], list[tuple[str, str]]]] = {
    TimescaleRule: _timescale_problems,
    PathwayRule: _pathway_problems,
    AttendanceRule: _attendance_problems,
    EscalationRule: _escalation_problems,
}


def _kind_problems(rule: Rule) -> list[tuple[str, str]]:
    for kind, check in _KIND_CHECKS.items():
        if isinstance(rule, kind):
            return check(rule)
    return []


def _version_problems(file: str, rules: Sequence[Rule]) -> list[PolicyError]:
    problems = []
    versions: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        versions[rule.id].append(rule)
    for rule_id, group in versions.items():
        group.sort(key=lambda r: r.effective_from)
        for earlier, later in itertools.pairwise(group):
            if earlier.kind != later.kind:
                problems.append(
                    PolicyError(
                        file, rule_id, "kind", f"another version of this rule is a {earlier.kind}"
                    )
                )
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                until = earlier.effective_to or "no end"
                problems.append(
                    PolicyError(
                        file,
                        rule_id,
                        "effective_from",
                        f"version from {later.effective_from} overlaps the version in force "
                        f"from {earlier.effective_from} to {until}; give that one an "
                        "effective_to before this one starts",
                    )
                )
    return problems


def check_replaces(file: str, rules: Sequence[Rule], earlier: Sequence[Rule]) -> list[PolicyError]:
    """A rule may only replace a rule of the same kind that a base or standard defines."""
    kinds = {rule.id: rule.kind for rule in earlier}
    problems = []
    for rule in rules:
        for target in rule.replaces:
            if origin_of(target) == origin_of(rule.id):
                continue  # reported by check_file
            if target not in kinds:
                problems.append(
                    PolicyError(
                        file, rule.id, "replaces", f"no rule {target!r} in the packs it builds on"
                    )
                )
            elif kinds[target] != rule.kind:
                problems.append(
                    PolicyError(
                        file,
                        rule.id,
                        "replaces",
                        f"{target!r} is a {kinds[target]} rule; "
                        f"a {rule.kind} rule cannot replace it",
                    )
                )
    return problems


def check_readings(
    file: str, rules: Sequence[Rule], base_pack_kinds: Mapping[str, str]
) -> list[PolicyError]:
    """A local rule that reads a base pack's rule differently says how, in ``interpretation``.

    The base pack (the England baseline of Working Together 2023) states the
    edition; a partnership replacing one of its rules departs from it, and an
    inspector must be able to read where and why (``convene policy explain``
    shows it).
    """
    problems = []
    for rule in rules:
        # A target of another kind is reported by check_replaces.
        departs = [t for t in rule.replaces if base_pack_kinds.get(t) == rule.kind]
        if departs and rule.interpretation is None:
            message = (
                f"replaces {', '.join(departs)}: say in interpretation how this pack reads "
                "the rule differently from the pack it builds on"
            )
            problems.append(PolicyError(file, rule.id, "interpretation", message))
    return problems


def check_merged(rules: tuple[Rule, ...], file_of: Callable[[str], str]) -> list[PolicyError]:
    """Rules in force together must not contend: one pathway per priority, one escalation per clock.

    The rules in force only change on an effective_from or the day after an
    effective_to, so checking those days checks every day.
    """
    days: set[date] = {rule.effective_from for rule in rules}
    days |= {rule.effective_to + timedelta(days=1) for rule in rules if rule.effective_to}
    problems: set[PolicyError] = set()
    for day in sorted(days):
        by_priority: dict[int, str] = {}
        by_clock: dict[str, str] = {}
        for rule in in_force(rules, day):
            if isinstance(rule, PathwayRule):
                other = by_priority.setdefault(rule.priority, rule.id)
                if other != rule.id:
                    message = (
                        f"priority {rule.priority} is also the priority of {other} (both in "
                        f"force on {day}); give each pathway rule its own priority"
                    )
                    problems.add(PolicyError(file_of(rule.id), rule.id, "priority", message))
            elif isinstance(rule, EscalationRule):
                for clock in rule.clocks:
                    other = by_clock.setdefault(clock, rule.id)
                    if other != rule.id:
                        message = (
                            f"{other} also escalates the {clock} clock (both in force on "
                            f"{day}); replace it instead"
                        )
                        problems.add(PolicyError(file_of(rule.id), rule.id, "clocks", message))
    return sorted(problems, key=PolicyError.sort_key)
