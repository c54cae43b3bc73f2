"""Who must, should where possible, and must never attend, against who is invited.

The rules come from the policy engine (``engine.required_attendance``); this
module only maps each requirement onto the invitees: by role, by the kind of
agency they work for, or by their relation to the case (the referring agency,
the child's school or setting). Mandatory and advisory ("where possible")
requirements are kept apart so pages can show them differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from convene.people.vocab import ROLE_LABELS, AgencyKind, Role
from convene.policy import engine
from convene.policy.facts import CaseFacts
from convene.policy.pack import PolicyPack
from convene.policy.vocab import Party, Requirement
from convene.referrals.policy import ChildFacts, ReferralFacts

HEALTH_ROLES = frozenset(
    {
        Role.HEALTH_PROFESSIONAL,
        Role.PAEDIATRICIAN,
        Role.MIDWIFE,
        Role.HEALTH_VISITOR,
        Role.CIC_NURSE,
    }
)
SOCIAL_CARE_ROLES = frozenset(
    {Role.SOCIAL_WORKER, Role.DEPUTY_TEAM_MANAGER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE}
)


class AgencyOf(Protocol):
    @property
    def kind(self) -> str: ...


class Attendee(Protocol):
    """What the checklist reads of an invitee: a ``Professional``, or the API list's plain
    ``Invitee`` (convene.discussions.api_list), which spares the list a model per row."""

    @property
    def agency_id(self) -> int | None: ...

    @property
    def agency(self) -> AgencyOf | None: ...

    @property
    def role_set(self) -> frozenset[Role]: ...


class CaseChild(ChildFacts, Protocol):
    """What the checklist reads of a child (with the facts): their school or setting."""

    @property
    def setting_id(self) -> int | None: ...

    @property
    def setting(self) -> object | None: ...


class NamedAgency(Protocol):
    @property
    def pk(self) -> int: ...

    @property
    def name(self) -> str: ...


class CaseReferral(ReferralFacts, Protocol):
    """What the checklist reads of a referral: its facts, the pathway chosen and the
    referring agency."""

    @property
    def chosen_pathway(self) -> str: ...

    @property
    def referrer_agency(self) -> NamedAgency | None: ...


class Convened(Protocol):
    """What the checklist reads of a discussion: its referral and kind."""

    @property
    def referral(self) -> CaseReferral: ...

    @property
    def kind(self) -> str: ...


class Reply(Protocol):
    """An invitation as the checklist reads it: the answer and who was invited."""

    @property
    def response(self) -> str: ...

    @property
    def professional(self) -> Attendee: ...


class Status(StrEnum):
    MET = "met"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"  # e.g. no referring partner agency, no setting recorded
    TO_CONSIDER = "to_consider"  # a reminder Convene cannot check (other involved professionals)
    NEVER_INVITED = "never_invited"  # parents, carers, family members (R002.10, R003.5)


@dataclass(frozen=True)
class ChecklistItem:
    rule_ids: tuple[str, ...]
    requirement: Requirement
    who: str
    summary: str
    citation: str
    status: Status
    requirements: tuple[str, ...] = ()
    met_by: tuple[str, ...] = ()
    note: str = ""
    # What would meet it: any of these roles (or their kind of agency), or these agencies.
    roles: tuple[Role, ...] = ()
    agency_ids: frozenset[int] = frozenset()
    # Invitees who would meet it but sent apologies: "Apologies", never "Not invited".
    apologies: tuple[str, ...] = ()

    def met_by_person(self, person: Attendee) -> bool:
        if self.roles:
            return satisfies_roles(person, self.roles)
        return person.agency_id in self.agency_ids

    @property
    def mandatory(self) -> bool:
        return self.requirement is Requirement.MANDATORY

    @property
    def advisory(self) -> bool:
        return self.requirement is Requirement.ADVISORY

    @property
    def missing(self) -> bool:
        return self.status is Status.MISSING


def _who_by_roles(roles: tuple[Role, ...]) -> str:
    if Role.POLICE_OFFICER in roles and len(roles) == 1:
        return "Police"
    if set(roles) == set(HEALTH_ROLES) or (Role.HEALTH_PROFESSIONAL in roles and len(roles) > 1):
        return "Health: at least one health professional"
    if set(roles) >= SOCIAL_CARE_ROLES:
        return "Children's social care"
    return " or ".join(ROLE_LABELS[role] for role in roles)


# The generic role each kind of agency stands for: anyone working for the police counts
# as "police", and so on (R001.4's "at least one health professional").
GENERIC_ROLE: dict[str, Role] = {
    AgencyKind.POLICE: Role.POLICE_OFFICER,
    AgencyKind.SOCIAL_CARE: Role.SOCIAL_WORKER,
    **{kind: Role.HEALTH_PROFESSIONAL for kind in AgencyKind if kind.is_health},
}


def satisfies_roles(person: Attendee, roles: Iterable[Role]) -> bool:
    """Holds one of ``roles``, or works for the kind of agency a generic role stands for.

    Asked for every invitee and rule of every row of a list: a lookup, no set or enum built
    per call (issue 15)."""
    wanted = roles if isinstance(roles, tuple | frozenset | set) else tuple(roles)
    if not person.role_set.isdisjoint(wanted):
        return True
    agency = person.agency
    generic = GENERIC_ROLE.get(agency.kind) if agency is not None else None
    return generic is not None and generic in wanted


def _names(people: Iterable[Attendee]) -> tuple[str, ...]:
    return tuple(sorted(str(p) for p in people))


def _party_item(
    party: Party,
    invitees: Sequence[Attendee],
    referrer_agency: NamedAgency | None,
    children: Sequence[CaseChild],
) -> tuple[str, Status, tuple[str, ...], str, frozenset[int]]:
    if party in {Party.PARENTS_CARERS, Party.FAMILY_MEMBERS}:
        label = "Parents and carers" if party is Party.PARENTS_CARERS else "Family members"
        return label, Status.NEVER_INVITED, (), "Convene never offers them as invitees", frozenset()
    if party is Party.REFERRING_AGENCY:
        if referrer_agency is None:
            note = "The referrer is not from a partner agency"
            return "The referring agency", Status.NOT_APPLICABLE, (), note, frozenset()
        found = [p for p in invitees if p.agency_id == referrer_agency.pk]
        who = f"The referring agency ({referrer_agency.name})"
        status = Status.MET if found else Status.MISSING
        return who, status, _names(found), "", frozenset({referrer_agency.pk})
    if party is Party.CHILD_SETTING:
        settings = {c.setting_id: c.setting for c in children if c.setting_id is not None}
        if not settings:
            note = "No school or setting is recorded for the children"
            return "The child's school or setting", Status.NOT_APPLICABLE, (), note, frozenset()
        names = ", ".join(sorted(str(s) for s in settings.values()))
        found = [p for p in invitees if p.agency_id in settings]
        status = Status.MET if found else Status.MISSING
        who = f"The child's school or setting ({names})"
        return who, status, _names(found), "", frozenset(settings)
    # Other professionals involved: a reminder; Convene cannot know who they all are.
    return "Other professionals involved with the child", Status.TO_CONSIDER, (), "", frozenset()


def checklist(
    *,
    pack: PolicyPack,
    facts: Sequence[CaseFacts],
    invitees: Sequence[Attendee],
    referrer_agency: NamedAgency | None,
    children: Sequence[CaseChild],
    memo: ChecklistMemo | None = None,
) -> list[ChecklistItem]:
    """Every attendance rule that applies to any of ``facts`` (one per child), checked.

    Rules with the same people and strength are merged, so the national and the
    2014-standard "police as a minimum" show as one line citing both. ``memo`` (one per
    page of a list, whose invitees are one object per person) answers a row whose rules,
    invitees, referring agency and settings an earlier row had from that row's items:
    most rows of a page share them, and checking them again was a tenth of the API
    discussion list's time (issue 15).
    """
    requirements: dict[str, engine.AttendanceRequirement] = {}
    for case in facts:
        for item in engine.required_attendance(pack, case):
            requirements.setdefault(item.rule_id, item)
    if memo is None:
        return _checked(requirements, invitees, referrer_agency, children)
    # By identity: the memo keeps the rules (the engine's, shared while its memo lasts) and
    # the invitees it was asked about, so no id in a key can be reused by another object.
    rules = tuple(requirements.values())
    key = (
        tuple(map(id, rules)),
        tuple(map(id, invitees)),
        referrer_agency.pk if referrer_agency is not None else None,
        tuple(c.setting_id for c in children),
    )
    found = memo.get(key)
    if found is None:
        items = _checked(requirements, invitees, referrer_agency, children)
        found = memo[key] = (items, (rules, tuple(invitees)))
    return list(found[0])


ChecklistMemo = dict[tuple[object, ...], tuple[list[ChecklistItem], object]]


def _checked(
    requirements: dict[str, engine.AttendanceRequirement],
    invitees: Sequence[Attendee],
    referrer_agency: NamedAgency | None,
    children: Sequence[CaseChild],
) -> list[ChecklistItem]:
    merged: dict[tuple[object, ...], ChecklistItem] = {}
    for item in requirements.values():
        agency_ids: frozenset[int] = frozenset()
        if item.party is not None:
            who, status, met_by, note, agency_ids = _party_item(
                item.party, invitees, referrer_agency, children
            )
        else:
            found = [p for p in invitees if satisfies_roles(p, item.roles)]
            who = _who_by_roles(item.roles)
            status = Status.MET if found else Status.MISSING
            met_by, note = _names(found), ""
        if item.requirement is Requirement.EXCLUDED:
            status = Status.NEVER_INVITED
        key = (who, item.requirement)
        citation = str(item.citation)
        if key in merged:
            previous = merged[key]
            merged[key] = ChecklistItem(
                rule_ids=(*previous.rule_ids, item.rule_id),
                requirement=previous.requirement,
                who=who,
                summary=previous.summary,
                citation=f"{previous.citation}; {citation}",
                requirements=tuple(
                    dict.fromkeys((*previous.requirements, *item.citation.requirements))
                ),
                status=previous.status,
                met_by=previous.met_by,
                note=previous.note,
                roles=previous.roles,
                agency_ids=previous.agency_ids,
            )
        else:
            merged[key] = ChecklistItem(
                rule_ids=(item.rule_id,),
                requirement=item.requirement,
                who=who,
                summary=item.summary,
                citation=citation,
                requirements=item.citation.requirements,
                status=status,
                met_by=met_by,
                note=note,
                roles=item.roles,
                agency_ids=agency_ids,
            )
    order = {Requirement.MANDATORY: 0, Requirement.ADVISORY: 1, Requirement.EXCLUDED: 2}
    return sorted(merged.values(), key=lambda i: order[i.requirement])


def with_apologies(
    items: Iterable[ChecklistItem], apologised: Sequence[Attendee]
) -> list[ChecklistItem]:
    """Name, on each item still missing, the invitees who would meet it but sent apologies."""
    return [
        replace(item, apologies=_names(p for p in apologised if item.met_by_person(p)))
        if item.missing and apologised
        else item
        for item in items
    ]


def missing_mandatory(items: Iterable[ChecklistItem]) -> list[ChecklistItem]:
    return [item for item in items if item.mandatory and item.missing]
