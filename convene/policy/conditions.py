"""Whether a rule's ``applies_when`` holds for a case, and the same in words."""

from __future__ import annotations

from enum import StrEnum

from convene.policy.facts import CaseFacts
from convene.policy.schema import Conditions, OneOf, Range, SetCondition
from convene.policy.vocab import Pathway

__all__ = ["describe", "matches"]

_FACT_NAMES = tuple(name for name in Conditions.model_fields if name != "any")


def _value(name: str, facts: CaseFacts, pathway: Pathway | None) -> object:
    # The pathway a rule sees is the one in effect (chosen, else recommended),
    # which is not always facts.pathway.
    return pathway if name == "pathway" else getattr(facts, name)


def _holds(condition: object, value: object) -> bool:
    if isinstance(condition, bool):
        return value is condition
    if isinstance(condition, Range):
        assert isinstance(value, int)
        return (condition.min is None or value >= condition.min) and (
            condition.max is None or value <= condition.max
        )
    if isinstance(condition, SetCondition):
        assert isinstance(value, frozenset)
        return (
            (condition.any_of is None or bool(value & set(condition.any_of)))
            and (condition.none_of is None or not value & set(condition.none_of))
            and (condition.all_of is None or set(condition.all_of) <= value)
        )
    if isinstance(condition, OneOf):
        return (condition.any_of is None or value in condition.any_of) and (
            condition.none_of is None or value not in condition.none_of
        )
    raise TypeError(f"unknown condition {condition!r}")


def matches(conditions: Conditions, facts: CaseFacts, *, pathway: Pathway | None) -> bool:
    for name in _FACT_NAMES:
        condition = getattr(conditions, name)
        if condition is not None and not _holds(condition, _value(name, facts, pathway)):
            return False
    if conditions.any is not None:
        return any(matches(sub, facts, pathway=pathway) for sub in conditions.any)
    return True


def _words(values: tuple[StrEnum, ...]) -> str:
    return ", ".join(str(v) for v in values)


def _describe_one(name: str, condition: object) -> str:
    label = name.replace("_", " ")
    if isinstance(condition, bool):
        return label if condition else f"not {label}"
    if isinstance(condition, Range):
        if condition.min == condition.max:
            return f"{label} = {condition.min}"
        parts = [f"≥ {condition.min}"] if condition.min is not None else []
        parts += [f"≤ {condition.max}"] if condition.max is not None else []
        return f"{label} {' and '.join(parts)}"
    assert isinstance(condition, OneOf)
    verbs = (
        ("include any of", "include none of")
        if isinstance(condition, SetCondition)
        else (
            "is one of",
            "is none of",
        )
    )
    parts = []
    if condition.any_of is not None:
        parts.append(f"{label} {verbs[0]}: {_words(condition.any_of)}")
    if condition.none_of is not None:
        parts.append(f"{label} {verbs[1]}: {_words(condition.none_of)}")
    if isinstance(condition, SetCondition) and condition.all_of is not None:
        parts.append(f"{label} include all of: {_words(condition.all_of)}")
    return "; ".join(parts)


def describe(conditions: Conditions) -> list[str]:
    """The conditions as short phrases, one per condition, for explanations."""
    phrases = [
        _describe_one(name, getattr(conditions, name))
        for name in _FACT_NAMES
        if getattr(conditions, name) is not None
    ]
    if conditions.any is not None:
        alternatives = [" and ".join(describe(sub)) or "always" for sub in conditions.any]
        phrases.append("any of: " + " | ".join(f"({a})" for a in alternatives))
    return phrases
