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
subject's timescales (the convenor of a discussion, the owner of an action).

Several apps may know part of who answers for one subject: the allocation app
knows the social worker who holds a referral, discussion or S47 enquiry, which
sits above the subject apps in the layers. Each adds its part with
:func:`register_responsible` (again in ``ready()``, under a key, so registering
twice replaces); :func:`resolve_responsible` returns the union. A part may also give
its batch form (``many=``: subjects of its model in, ``{subject_key(s): members}`` out,
a few queries for the whole list); the sweep asks :func:`resolve_responsible_many` once
per batch of clocks, and parts without a batch form are asked subject by subject
(issue 15). Both forms must give the same answers. Clock reminders
go to the responsible people, and to the managers only when nobody is
responsible or the clock is overdue (:mod:`convene.clocks.recipients`).

Parents, carers and family members are never resolved: Convene never
contacts a family (R002.10).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from convene.people.models import Agency, Child, Professional
from convene.policy.vocab import Party

__all__ = [
    "NEVER_CONTACTED",
    "PartyMembers",
    "PartyResolver",
    "ResponsibleMany",
    "ResponsibleResolver",
    "SubjectKey",
    "register_party_resolver",
    "register_responsible",
    "resolve_party",
    "resolve_responsible",
    "resolve_responsible_many",
    "subject_key",
    "unregister_party_resolver",
    "unregister_responsible",
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
SubjectKey = tuple[type, Any]
# The batch form of a responsible part: subjects of one model -> members by subject_key.
ResponsibleMany = Callable[[Sequence[Any]], dict[SubjectKey, PartyMembers | None]]


@dataclass(frozen=True)
class _Part:
    one: ResponsibleResolver
    many: ResponsibleMany | None = None


_party_resolvers: dict[type[models.Model], PartyResolver] = {}
_responsible_resolvers: dict[type[models.Model], ResponsibleResolver] = {}
# More who answer for a subject, from apps other than the subject's own: model -> key -> part.
_responsible_parts: dict[type[models.Model], dict[str, _Part]] = {}


def subject_key(subject: Any) -> SubjectKey:
    """How a subject is named in :func:`resolve_responsible_many`'s answer."""
    return (type(subject), subject.pk)


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


def register_responsible(
    model: type[models.Model],
    key: str,
    resolver: ResponsibleResolver,
    *,
    many: ResponsibleMany | None = None,
) -> None:
    """Add ``resolver``'s people to who answers for ``model`` subjects (``key`` names the
    part: registering the same key again replaces it). ``many``, when given, answers the
    same for a list of subjects at once (the sweep's batches)."""
    _responsible_parts.setdefault(model, {})[key] = _Part(resolver, many)


def unregister_responsible(model: type[models.Model], key: str) -> None:
    _responsible_parts.get(model, {}).pop(key, None)


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
    """Who answers for ``subject``'s timescales, when any app has said: the union of
    its own app's answer and every part registered for its model."""
    if subject is None:
        return None
    return _union(part.one(subject) for part in _parts_of(type(subject)))


def resolve_responsible_many(subjects: Iterable[object]) -> dict[SubjectKey, PartyMembers | None]:
    """:func:`resolve_responsible` for each of ``subjects`` (by :func:`subject_key`), each
    part asked once per model with its batch form when it has one."""
    groups: dict[type, dict[SubjectKey, object]] = {}
    for subject in subjects:
        if subject is not None:
            groups.setdefault(type(subject), {})[subject_key(subject)] = subject
    found: dict[SubjectKey, PartyMembers | None] = {}
    for klass, members in groups.items():
        listed = list(members.values())
        answers = [_answers(part, listed) for part in _parts_of(klass)]
        for key in members:
            found[key] = _union(answer.get(key) for answer in answers)
    return found


def _parts_of(klass: type) -> list[_Part]:
    """The subject's own app's part first, then the others', in the order of the model's MRO."""
    parts: list[_Part] = []
    for model in klass.__mro__:
        if model in _responsible_resolvers:
            parts.append(_Part(_responsible_resolvers[model]))
            break
    for model in klass.__mro__:
        parts.extend(_responsible_parts.get(model, {}).values())
    return parts


def _answers(part: _Part, subjects: list[object]) -> dict[SubjectKey, PartyMembers | None]:
    if part.many is not None:
        return part.many(subjects)
    return {subject_key(subject): part.one(subject) for subject in subjects}


def _union(parts: Iterable[PartyMembers | None]) -> PartyMembers | None:
    found: PartyMembers | None = None
    for part in parts:
        if part:
            found = part if found is None else found + part
    return found


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
