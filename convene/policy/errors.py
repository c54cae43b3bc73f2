"""Problems found in policy files, named by file, rule id and key."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

__all__ = ["PolicyError", "PolicyInvalid", "from_validation_error", "sorted_problems"]


@dataclass(frozen=True)
class PolicyError:
    file: str
    rule_id: str | None  # None for the file's header (id, extends, include...)
    key: str  # dotted path inside the rule or header, e.g. applies_when.categories.any_of[0]
    message: str

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.file, self.rule_id or "", self.key, self.message)

    def __str__(self) -> str:
        where = f"rule {self.rule_id}: " if self.rule_id else ""
        key = f"{self.key}: " if self.key else ""
        return f"{self.file}: {where}{key}{self.message}"


class PolicyInvalid(Exception):
    """A policy file, or one it builds on, has problems; nothing of it was loaded."""

    def __init__(self, errors: Iterable[PolicyError]) -> None:
        self.errors = sorted_problems(errors)
        count = len(self.errors)
        lines = [f"{count} problem{'s' if count != 1 else ''} in policy:"]
        lines += [f"  {error}" for error in self.errors]
        super().__init__("\n".join(lines))


def sorted_problems(errors: Iterable[PolicyError]) -> tuple[PolicyError, ...]:
    """Each problem once, grouped by file and rule."""
    return tuple(sorted(set(errors), key=PolicyError.sort_key))


_PATTERNS = {
    r"^R\d{3}\.\d+$": "a requirement id (R, three digits, a dot and a number)",
    r"^[a-z][a-z0-9_]*$": "a lower-case name like halton",
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$": "a dotted rule id like halton.convene.standard",
    r"^\d{4}\.\d+$": "a version like 2026.1",
}


def key_path(loc: Iterable[int | str]) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else part)
    return key


def _message(item: Any) -> str:
    kind = item["type"]
    ctx = item.get("ctx") or {}
    value = item.get("input")
    match kind:
        case "extra_forbidden":
            return "unknown key"
        case "missing":
            return "required key is missing"
        case "enum":
            return f"unknown value {value!r}; expected one of: {ctx.get('expected')}"
        case "literal_error":
            return f"unknown value {value!r}; expected {ctx.get('expected')}"
        case "greater_than_equal":
            return f"must be {ctx.get('ge')} or more, got {value!r}"
        case "string_pattern_mismatch":
            pattern = str(ctx.get("pattern"))
            return f"{value!r} is not {_PATTERNS.get(pattern, f'of the form {pattern}')}"
        case "union_tag_invalid":
            return f"unknown kind {ctx.get('tag')!r}; expected one of: {ctx.get('expected_tags')}"
        case "union_tag_not_found":
            return "required key 'kind' is missing"
        case kind if kind.startswith("date_"):
            return f"not a date: {value!r} (write it as 2026-04-01)"
        case "value_error":
            return str(item["msg"]).removeprefix("Value error, ")
    return str(item["msg"])


def from_validation_error(
    error: ValidationError, *, file: str, rule_id: str | None, tag: str | None
) -> list[PolicyError]:
    """One :class:`PolicyError` per pydantic error, with a readable key and message.

    ``tag`` is the discriminator value (the rule's ``kind``) that pydantic
    puts first in the location; it is dropped so the key reads as in the file.
    """
    items = error.errors(include_url=False)
    locations = [item["loc"] for item in items]
    problems = []
    for item in items:
        loc = item["loc"]
        # pydantic also reports a too-short list when one of its items was
        # invalid; the item's own error says all there is to say.
        if any(len(other) > len(loc) and other[: len(loc)] == loc for other in locations):
            continue
        parts = list(loc)
        if parts and tag is not None and parts[0] == tag:
            parts = parts[1:]
        message = _message(item)
        if item["type"] == "extra_forbidden":
            missing = [
                str(other["loc"][-1])
                for other in items
                if other["type"] == "missing" and other["loc"][:-1] == loc[:-1]
            ]
            close = difflib.get_close_matches(str(loc[-1]), missing, n=1)
            message += f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(PolicyError(file, rule_id, key_path(parts), message))
    return problems
