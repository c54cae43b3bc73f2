"""The duty to convene is never ended for a case the pack itself calls urgent (R002.1, R004.1).

A pathway that ends the duty to convene a strategy discussion (trigger meeting,
HRPM consideration, no strategy discussion) must never win for a case that a
same-day (or hours) convene timescale, or an immediate-risk one, also matches:
significant harm always outranks the other route (R004.6 against R002.1).

:func:`check_duty_to_convene` proves it for a merged pack by search: for each
such pathway rule P and urgent rule T in force together, it looks for facts
where P matches, T matches (its ``pathway`` condition aside: it is read as if
the case were convened) and no higher-priority pathway rule matches. The
search assigns only the facts the rules mention, evaluating the conditions in
three values (true, false, not yet known) so that a branch is dropped as soon
as it cannot succeed. The facts are few and the conditions small, so it is quick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from convene.people.vocab import ConcernCategory, ExploitationRating, LegalStatus
from convene.policy.errors import PolicyError
from convene.policy.pack import in_force
from convene.policy.schema import (
    Conditions,
    OneOf,
    PathwayRule,
    Range,
    Rule,
    SetCondition,
    TimescaleRule,
)
from convene.policy.vocab import ClockKind, Decision, Pathway
from convene.workdays import Unit

__all__ = ["ENDING_PATHWAYS", "check_duty_to_convene", "is_urgent"]

# Pathways after which no strategy discussion is convened.
ENDING_PATHWAYS = frozenset(
    {Pathway.TRIGGER_MEETING, Pathway.HRPM_CONSIDERATION, Pathway.NO_STRATEGY_DISCUSSION}
)
_URGENT_UNITS = frozenset({Unit.SAME_DAY, Unit.HOURS})
# Facts derived from the categories: a condition on them is one on the category.
_DERIVED = {
    "missing_episode": ConcernCategory.MISSING_EPISODE,
    "allegation_against_staff": ConcernCategory.ALLEGATION_AGAINST_STAFF,
}
_ENUMS: Mapping[str, tuple[Any, ...]] = {
    "legal_status": tuple(LegalStatus),
    "exploitation_rating": tuple(ExploitationRating),
    "decision": (None, *Decision),
}
_FACT_NAMES = tuple(name for name in Conditions.model_fields if name != "any")

Assignment = dict[object, Any]
Truth = bool | None  # None: not known yet


def is_urgent(rule: TimescaleRule) -> bool:
    """A convene timescale run from receipt on calendar time, or one for immediate risk."""
    return rule.clock == ClockKind.CONVENE and (
        rule.unit in _URGENT_UNITS or rule.applies_when.immediate_risk is True
    )


def _and(values: list[Truth]) -> Truth:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(values: list[Truth]) -> Truth:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _not(value: Truth) -> Truth:
    return None if value is None else not value


def _set_truth(condition: SetCondition[Any], got: Assignment) -> Truth:
    def present(category: object) -> Truth:
        value = got.get(category)
        return None if value is None else bool(value)

    parts: list[Truth] = []
    if condition.any_of is not None:
        parts.append(_or([present(c) for c in condition.any_of]))
    if condition.none_of is not None:
        parts.append(_not(_or([present(c) for c in condition.none_of])))
    if condition.all_of is not None:
        parts.append(_and([present(c) for c in condition.all_of]))
    return _and(parts)


def _one(name: str, condition: object, got: Assignment) -> Truth:
    if name == "pathway":
        return True  # read as if convened (urgent rules) or absent (pathway rules)
    if name in _DERIVED:
        name_or_category: object = _DERIVED[name]
    elif name == "categories":
        assert isinstance(condition, SetCondition)
        return _set_truth(condition, got)
    else:
        name_or_category = name
    if name_or_category not in got:
        return None
    value = got[name_or_category]
    if isinstance(condition, bool):
        return bool(value) is condition
    if isinstance(condition, Range):
        return (condition.min is None or value >= condition.min) and (
            condition.max is None or value <= condition.max
        )
    assert isinstance(condition, OneOf)
    return (condition.any_of is None or value in condition.any_of) and (
        condition.none_of is None or value not in condition.none_of
    )


def _truth(conditions: Conditions, got: Assignment) -> Truth:
    parts = [
        _one(name, getattr(conditions, name), got)
        for name in _FACT_NAMES
        if getattr(conditions, name) is not None
    ]
    if conditions.any is not None:
        parts.append(_or([_truth(sub, got) for sub in conditions.any]))
    return _and(parts)


def _variables(conditions: Conditions, into: dict[object, tuple[Any, ...]]) -> None:
    """Every fact the conditions mention, with the values worth trying."""
    for name in _FACT_NAMES:
        condition = getattr(conditions, name)
        if condition is None or name == "pathway":
            continue
        if name in _DERIVED:
            into[_DERIVED[name]] = (False, True)
        elif name == "categories":
            assert isinstance(condition, SetCondition)
            for values in (condition.any_of, condition.none_of, condition.all_of):
                for category in values or ():
                    into[category] = (False, True)
        elif isinstance(condition, Range):
            tried = set(into.get(name, (0,)))
            for bound in (condition.min, condition.max):
                if bound is not None:
                    tried |= {max(bound - 1, 0), bound, bound + 1}
            into[name] = tuple(sorted(tried))
        elif name in _ENUMS:
            into[name] = _ENUMS[name]
        else:
            into[name] = (False, True)
    for sub in conditions.any or ():
        _variables(sub, into)


def _search(
    test: Callable[[Assignment], Truth],
    variables: list[tuple[object, tuple[Any, ...]]],
    got: Assignment,
) -> Assignment | None:
    verdict = test(got)
    if verdict is not None:
        return dict(got) if verdict else None
    if not variables:
        return None
    (name, values), rest = variables[0], variables[1:]
    for value in values:
        got[name] = value
        found = _search(test, rest, got)
        if found is not None:
            return found
    del got[name]
    return None


def _witness(
    winner: PathwayRule, urgent: TimescaleRule, higher: list[PathwayRule]
) -> Assignment | None:
    """Facts where ``winner`` wins and ``urgent`` applies, or None if there are none."""
    variables: dict[object, tuple[Any, ...]] = {}
    for conditions in (winner.applies_when, urgent.applies_when, *(r.applies_when for r in higher)):
        _variables(conditions, variables)

    def test(got: Assignment) -> Truth:
        return _and(
            [
                _truth(winner.applies_when, got),
                _truth(urgent.applies_when, got),
                *(_not(_truth(rule.applies_when, got)) for rule in higher),
            ]
        )

    return _search(test, list(variables.items()), {})


def _describe(found: Assignment) -> str:
    categories = sorted(str(k) for k, v in found.items() if isinstance(k, ConcernCategory) and v)
    parts = [
        f"{name} = {value}"
        for name, value in found.items()
        if isinstance(name, str) and not isinstance(name, ConcernCategory)
    ]
    parts.sort()
    if categories:
        parts.append(f"categories include {', '.join(categories)}")
    return "; ".join(parts) or "any case"


def _pairs(
    rules: tuple[Rule, ...],
) -> Iterator[tuple[PathwayRule, TimescaleRule, list[PathwayRule]]]:
    pathways = [rule for rule in rules if isinstance(rule, PathwayRule)]
    urgent = [rule for rule in rules if isinstance(rule, TimescaleRule) and is_urgent(rule)]
    for rule in pathways:
        if rule.pathway not in ENDING_PATHWAYS:
            continue
        higher = [other for other in pathways if other.priority > rule.priority]
        for timescale in urgent:
            yield rule, timescale, higher


def check_duty_to_convene(
    rules: tuple[Rule, ...], file_of: Callable[[str], str]
) -> list[PolicyError]:
    """Each pathway rule that can end the duty to convene for an urgent case, on any day."""
    days: set[date] = {rule.effective_from for rule in rules}
    days |= {rule.effective_to + timedelta(days=1) for rule in rules if rule.effective_to}
    problems: set[PolicyError] = set()
    for day in sorted(days):
        for rule, urgent, higher in _pairs(in_force(rules, day)):
            found = _witness(rule, urgent, higher)
            if found is None:
                continue
            message = (
                f"pathway {rule.pathway} ends the duty to convene, yet it wins for a case "
                f"that {urgent.id} says must be convened urgently ({_describe(found)}; "
                f"in force on {day}): significant harm must never be outranked (R002.1, "
                "R004.1); exclude such cases from its applies_when"
            )
            problems.add(PolicyError(file_of(rule.id), rule.id, "applies_when", message))
    return sorted(problems, key=PolicyError.sort_key)
