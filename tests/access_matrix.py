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
    "lee",  # LADO in children's social care, no caseload role: sees restricted records naming him
)
ANONYMOUS = "anonymous"
CASELOAD = ("alice", "bob", "tom", "hana", "ivy", "admin")
PARTNERS = ("carol", "dev", "erin", "ursula")
# Children's social care who record concerns (referrals.selectors.RECORDER_ROLES).
RECORDERS = ("alice", "bob", "tom", "hana")
# Social care managers who triage and convene (referrals.selectors.MANAGER_ROLES).
MANAGERS = ("bob", "hana")
# Caseload personas who read but are not managers: a manager-only page is a 403 for them.
CASELOAD_READERS = ("alice", "tom", "ivy", "admin")


@dataclass(frozen=True)
class Outcome:
    status: int
    # For redirects: where to; or a prefix ending in "?" (the query string varies) or in "*"
    # (the rest of the path varies, e.g. "/referrals/*" for one referral's page).
    location: str | None = None

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
        if self.location.endswith("*"):
            return location.startswith(self.location[:-1])
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


def each(personas: tuple[str, ...], outcome: Outcome = OK) -> dict[str, Outcome]:
    """The same outcome for several personas, to combine with ``|`` and pass to ``only``."""
    return dict.fromkeys(personas, outcome)


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
    """The records the cases point at, built fresh for each case (tests/matrix_world.py).

    Riverside is the home partnership, Northvale the neighbour; "nora" is a
    Northvale team manager and "dina" a Riverside deputy team manager, neither
    of them a matrix persona.
    """

    people: Mapping[str, Any]
    home_child: Any
    neighbour_child: Any
    alice_token: Any
    # Referrals (Riverside unless "neighbour").
    awaiting_referral: Any = None  # recorded by tom, awaiting triage
    triaged_referral: Any = None  # decided by bob, nothing convened yet
    convene_clock: Any = None  # the triaged referral's convene-by clock
    restricted_referral: Any = None  # allegation against staff: tom, hana, lee, dina named
    neighbour_referral: Any = None  # Northvale: recorded by nick, decided by nora
    # Discussions and invitations.
    discussion: Any = None  # scheduled, chair bob, carol and erin invited; dev, ursula not
    restricted_discussion: Any = None  # of the restricted referral: chair dina, lee and carol
    neighbour_discussion: Any = None  # Northvale, chair nora, carol invited
    invitation: Any = None  # carol's, to ``discussion``
    neighbour_invitation: Any = None  # carol's, to ``neighbour_discussion``
    # Records.
    draft_record: Any = None  # held, draft open, an action for the police (draft_action_key)
    draft_action_key: str = ""
    distributed_record: Any = None  # v1 distributed, v2 authorised not sent; police action
    correction: Any = None  # erin's correction request on v1 of distributed_record
    # Escalations, notifications, failed emails.
    escalation: Any = None  # Riverside, raised by carol (police) to social care
    neighbour_escalation: Any = None  # Northvale, raised by nora to the police
    failed_delivery: Any = None  # Riverside, to bob
    neighbour_failed_delivery: Any = None  # Northvale, to nick
    # Follow-through (tests/matrix_world.py says how each was reached).
    s47_enquiry: Any = None  # joint S47 (carol and erin invited), visited, significant harm
    icpc: Any = None  # requested by the enquiry's outcome, not yet confirmed
    police_action: Any = None  # the distributed record's action for the police
    social_care_action: Any = None  # the S47 record's action for alice (social care)
    child_in_care: Any = None  # Riverside, with a referral and an active HRPM
    hrpm: Any = None  # the child in care's HRPM: one meeting, alice and carol attended
    hrpm_action: Any = None  # the meeting's safety-plan action for the police
    extra: Mapping[str, Any] = field(default_factory=dict)


Kwargs = Callable[[World], dict[str, Any]]


def pk_of(attribute: str, *, key: str = "pk", **more: Any) -> Kwargs:
    """URL arguments naming one of the world's records: ``{key: world.<attribute>.pk, **more}``."""
    return lambda world: {key: getattr(world, attribute).pk, **more}


@dataclass(frozen=True)
class Case:
    expect: Mapping[str, Outcome]
    label: str = "default"
    method: str = "get"
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    data: Callable[[World], dict[str, Any]] = lambda world: {}
