"""The vocabulary of the route × persona matrix (tests/core/test_route_matrix.py).

Each app lists its routes in ``tests/<app>/route_rules.py`` as ``ROUTES``: route
name → the cases to try, each with the outcome expected for every persona. A
route with no rule fails the matrix test, so no page can be added without
deciding who may use it (docs/access.md says how to decide).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The personas the issue names, plus "anonymous" (nobody signed in).
PERSONAS = (
    "alice",  # social worker, Riverside children's social care
    "bob",  # team manager
    "tom",  # front-door triage
    "hana",  # head of service
    "ivy",  # auditor: reads, never writes
    "admin",  # partnership administrator (staff)
    "carol",  # police: partner agency serving both partnerships
    "dev",  # community health: partner
    "erin",  # school: partner
    "ursula",  # housing, no procedure role: partner invited to nothing
    "nick",  # social worker of the neighbouring partnership (Northvale)
)
ANONYMOUS = "anonymous"
CASELOAD = ("alice", "bob", "tom", "hana", "ivy", "admin")
PARTNERS = ("carol", "dev", "erin", "ursula")


@dataclass(frozen=True)
class Outcome:
    status: int
    location: str | None = None  # for redirects: where to, or a prefix ending in "?"

    def __str__(self) -> str:
        return f"{self.status} → {self.location}" if self.location else str(self.status)

    def matches(self, status: int, location: str | None) -> bool:
        if status != self.status:
            return False
        if self.location is None:
            return True
        if location is None:
            return False
        if self.location.endswith("?"):
            return location.startswith(self.location)
        return location == self.location


OK = Outcome(200)
NOT_FOUND = Outcome(404)  # for things a persona must not know exist
FORBIDDEN = Outcome(403)  # for a route they know of but may not use
NOT_ALLOWED = Outcome(405)
SIGN_IN = Outcome(302, "/sign-in/?")


def redirect(to: str) -> Outcome:
    return Outcome(302, to)


def expect(
    default: Outcome, *, anonymous: Outcome = SIGN_IN, **overrides: Outcome
) -> dict[str, Outcome]:
    """An outcome for every persona: ``default`` unless overridden by name."""
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas: {sorted(unknown)}")
    outcomes = {persona: overrides.get(persona, default) for persona in PERSONAS}
    outcomes[ANONYMOUS] = anonymous
    return outcomes


def only(
    allowed: Mapping[str, Outcome] | tuple[str, ...],
    *,
    others: Outcome = NOT_FOUND,
    anonymous: Outcome = SIGN_IN,
) -> dict[str, Outcome]:
    """``others`` for everyone except the named personas (who get OK, or their own outcome)."""
    named = dict(allowed) if isinstance(allowed, Mapping) else dict.fromkeys(allowed, OK)
    return expect(others, anonymous=anonymous, **named)


@dataclass(frozen=True)
class World:
    """The records the cases point at, built fresh for each case."""

    people: Mapping[str, Any]
    home_child: Any
    neighbour_child: Any
    alice_token: Any
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    expect: Mapping[str, Outcome]
    label: str = "default"
    method: str = "get"
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    data: Callable[[World], dict[str, Any]] = lambda world: {}
