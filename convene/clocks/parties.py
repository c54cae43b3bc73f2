"""Who a party of an escalation rule is, for a given subject: the extension point.

Escalation rules name people by role ("team_manager") and by their relation to
the case (:class:`~convene.policy.vocab.Party`: "invited_agencies",
"action_owner_agency"...). Roles are resolved here, from the partnership's
children's social care. Parties need the subject: only the app that owns the
subject knows who was invited to a discussion, or which agency owns an action.
So each subject app registers a resolver for its model, once, in its
``AppConfig.ready()``::

    from convene.clocks.parties import PartyMembers, register_party_resolver

    def _discussion_party(discussion, party):
        if party == Party.INVITED_AGENCIES:
            return PartyMembers(agencies=tuple(discussion.invited_agencies()))
        return None  # not a party this subject knows

    register_party_resolver(
        Discussion, _discussion_party, responsible=lambda d: PartyMembers(
            professionals=(d.convenor,)
        )
    )

A resolver returns ``None`` when it cannot say; the escalation then still goes
to the rule's roles and records the party as unresolved, so the page tells
the reader to inform them by hand. ``responsible`` names who answers for the
subject's timescales (the convenor of a discussion, the owner of an action):
clock reminders go to them as well as to the social care managers.

Parents, carers and family members are never resolved: Convene never
contacts a family (R002.10).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from convene.people.models import Agency, Child, Professional
from convene.policy.vocab import Party

__all__ = [
    "NEVER_CONTACTED",
    "PartyMembers",
    "PartyResolver",
    "ResponsibleResolver",
    "register_party_resolver",
    "resolve_party",
    "resolve_responsible",
    "unregister_party_resolver",
]

NEVER_CONTACTED = frozenset({Party.PARENTS_CARERS, Party.FAMILY_MEMBERS})


@dataclass(frozen=True)
class PartyMembers:
    """The people and agencies a party (or the responsible side) stands for."""

    professionals: tuple[Professional, ...] = ()
    agencies: tuple[Agency, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.professionals or self.agencies)

    def __add__(self, other: PartyMembers) -> PartyMembers:
        return PartyMembers(
            professionals=_unique(self.professionals + other.professionals),
            agencies=_unique(self.agencies + other.agencies),
        )

    def describe(self) -> str:
        names = [str(p) for p in self.professionals] + [str(a) for a in self.agencies]
        return ", ".join(names)


PartyResolver = Callable[[Any, Party], PartyMembers | None]
ResponsibleResolver = Callable[[Any], PartyMembers | None]

_party_resolvers: dict[type[models.Model], PartyResolver] = {}
_responsible_resolvers: dict[type[models.Model], ResponsibleResolver] = {}


def register_party_resolver(
    model: type[models.Model],
    resolver: PartyResolver,
    *,
    responsible: ResponsibleResolver | None = None,
) -> None:
    """Let Convene resolve the parties (and the responsible side) of ``model`` subjects.

    Registering again for the same model replaces the earlier resolver.
    """
    _party_resolvers[model] = resolver
    if responsible is not None:
        _responsible_resolvers[model] = responsible
    else:
        _responsible_resolvers.pop(model, None)


def unregister_party_resolver(model: type[models.Model]) -> None:
    _party_resolvers.pop(model, None)
    _responsible_resolvers.pop(model, None)


def _lookup(registry: dict[type[models.Model], Any], subject: object) -> Any:
    for klass in type(subject).__mro__:
        if klass in registry:
            return registry[klass]
    return None


def resolve_party(subject: object, party: Party) -> PartyMembers | None:
    """The members of ``party`` for ``subject``, or None when Convene cannot tell."""
    if party in NEVER_CONTACTED or subject is None:
        return None
    resolver: PartyResolver | None = _lookup(_party_resolvers, subject)
    if resolver is not None:
        found = resolver(subject, party)
        if found is not None:
            return found
    return _built_in(subject, party)


def resolve_responsible(subject: object) -> PartyMembers | None:
    """Who answers for ``subject``'s timescales, when its app has said."""
    if subject is None:
        return None
    resolver: ResponsibleResolver | None = _lookup(_responsible_resolvers, subject)
    return None if resolver is None else resolver(subject)


def _built_in(subject: object, party: Party) -> PartyMembers | None:
    # What needs no subject app: a child's own school or nursery.
    if isinstance(subject, Child) and party == Party.CHILD_SETTING and subject.setting_id:
        return PartyMembers(agencies=(subject.setting,)) if subject.setting else None
    return None


def _unique(items: Iterable[Any]) -> tuple[Any, ...]:
    seen: dict[Any, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return tuple(seen)
