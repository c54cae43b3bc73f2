"""Reads of allocations: who holds a case now, its history, and who may be allocated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from convene.allocation.models import Allocation, SubjectKind, Team
from convene.core.access import among
from convene.discussions.models import Discussion
from convene.followup.models import S47Enquiry
from convene.people.models import Partnership, Professional
from convene.people.vocab import AgencyKind, Role
from convene.referrals.models import Referral

Subject = Referral | Discussion | S47Enquiry

# Who may hold a case: social care practitioners and their managers.
ALLOCATABLE_ROLES = (
    Role.SOCIAL_WORKER,
    Role.DEPUTY_TEAM_MANAGER,
    Role.TEAM_MANAGER,
)


def subject_filter(subject: Subject) -> dict[str, Any]:
    """The kind and foreign key naming ``subject`` on an Allocation row."""
    if isinstance(subject, Referral):
        return {"subject_kind": SubjectKind.REFERRAL, "referral": subject}
    if isinstance(subject, Discussion):
        return {"subject_kind": SubjectKind.DISCUSSION, "discussion": subject}
    return {"subject_kind": SubjectKind.S47, "s47_enquiry": subject}


def _parent(subject: Subject) -> Subject | None:
    """What a case inherits its allocation from when it has none of its own."""
    if isinstance(subject, S47Enquiry):
        return subject.discussion
    if isinstance(subject, Discussion):
        return subject.referral
    return None


def _chain(subject: Subject) -> list[Subject]:
    chain: list[Subject] = []
    current: Subject | None = subject
    while current is not None:
        chain.append(current)
        current = _parent(current)
    return chain


def current_for(*, subject: Subject) -> Allocation | None:
    """The open allocation of ``subject``, or the one it inherits (S47 → discussion →
    referral). One query, whatever the depth."""
    chain = _chain(subject)
    condition = Q()
    for link in chain:
        condition |= Q(**subject_filter(link))
    rows = list(
        Allocation.objects.filter(condition, ended_at__isnull=True).select_related(
            "social_worker", "team", "referral", "discussion", "s47_enquiry"
        )
    )
    for link in chain:  # its own first, then the nearest above it
        key = subject_filter(link)
        for row in rows:
            if row.subject_kind == key["subject_kind"] and _subject_pk(row) == link.pk:
                return row
    return None


# The Allocation column naming each kind of subject.
_COLUMN = {
    SubjectKind.REFERRAL.value: "referral_id",
    SubjectKind.DISCUSSION.value: "discussion_id",
    SubjectKind.S47.value: "s47_enquiry_id",
}


def current_for_many(*, subjects: Sequence[Subject]) -> dict[tuple[type, int], Allocation | None]:
    """:func:`current_for` of each of ``subjects``, keyed by (model, pk): two queries
    whatever their number (the discussions above S47 enquiries, the open allocations)."""
    chains = _chains(subjects)
    wanted: dict[str, set[int]] = {}
    for chain in chains.values():
        for kind, pk in chain:
            wanted.setdefault(kind, set()).add(pk)
    if not wanted:
        return {}
    condition = Q()
    for kind, pks in wanted.items():
        condition |= Q(subject_kind=kind, **{f"{_COLUMN[kind]}__in": sorted(pks)})
    held: dict[tuple[str, int | None], Allocation] = {}
    for row in Allocation.objects.filter(condition, ended_at__isnull=True).select_related(
        "social_worker", "team"
    ):
        held.setdefault((str(row.subject_kind), _subject_pk(row)), row)
    return {
        key: next((held[link] for link in chain if link in held), None)
        for key, chain in chains.items()
    }


def _chains(subjects: Sequence[Subject]) -> dict[tuple[type, int], list[tuple[str, int]]]:
    """Each subject's chain of (kind, pk), its own first (S47 → discussion → referral),
    read from foreign key columns: one query for the discussions above S47 enquiries."""
    referral_of = {s.pk: s.referral_id for s in subjects if isinstance(s, Discussion)}
    above = {s.discussion_id for s in subjects if isinstance(s, S47Enquiry)} - referral_of.keys()
    if above:
        referral_of.update(Discussion.objects.filter(pk__in=above).values_list("pk", "referral_id"))
    referral, discussion = SubjectKind.REFERRAL.value, SubjectKind.DISCUSSION.value
    chains: dict[tuple[type, int], list[tuple[str, int]]] = {}
    for subject in subjects:
        if isinstance(subject, Referral):
            chain = [(referral, subject.pk)]
        elif isinstance(subject, Discussion):
            chain = [(discussion, subject.pk), (referral, subject.referral_id)]
        else:
            chain = [
                (SubjectKind.S47.value, subject.pk),
                (discussion, subject.discussion_id),
                (referral, referral_of[subject.discussion_id]),
            ]
        chains[(type(subject), subject.pk)] = chain
    return chains


def _subject_pk(row: Allocation) -> int | None:
    return row.referral_id or row.discussion_id or row.s47_enquiry_id


def history_for(*, subject: Subject) -> list[Allocation]:
    """Every allocation of ``subject`` itself, newest first."""
    return list(
        Allocation.objects.filter(**subject_filter(subject)).select_related(
            "social_worker", "team", "by"
        )
    )


def allocatable_workers(*, partnership: Partnership | int) -> QuerySet[Professional]:
    """The partnership's social care practitioners: the only people a case may be allocated to."""
    return (
        Professional.objects.filter(
            is_active=True,
            agency__kind=AgencyKind.SOCIAL_CARE,
            agency__partnerships=partnership,
            role_grants__role__in=[role.value for role in ALLOCATABLE_ROLES],
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def teams_of(*, partnership: Partnership | int) -> QuerySet[Team]:
    return Team.objects.filter(partnership=partnership).order_by("name", "pk")


def team_mates(*, user: Professional) -> QuerySet[Professional]:
    """The members of the teams ``user`` belongs to (themselves included).

    Their keys are read first (one query; a team is a few dozen people) and the queryset
    lists them: as nested subqueries PostgreSQL could not estimate how few they are and
    scanned every allocation for a manager's cases (316 ms for a head of service at a
    million discussions, issue 15)."""
    mates = Team.members.through.objects.filter(team__in=Team.objects.filter(members=user.pk))
    keys = sorted({user.pk, *mates.values_list("professional", flat=True)})
    people = Professional.objects.filter(pk__in=keys)
    setattr(people, _LISTED_KEYS, tuple(keys))  # for ``people_keys``
    return people


# The keys ``team_mates`` read, kept on the queryset it returns.
_LISTED_KEYS = "listed_keys"


def people_keys(people: QuerySet[Professional]) -> Any:
    """``people``'s keys for an ``IN``: as values where ``team_mates`` listed them, else a
    subquery. As values PostgreSQL walks a case's index on who holds it; as ``IN (SELECT
    ...)`` under an ``OR`` it tested every row it read (a team manager's team's meetings to
    hold: all 4,606 scheduled read for 447, 7.1 ms against 2.5, issue 15)."""
    listed = getattr(people, _LISTED_KEYS, None)
    return list(listed) if listed is not None else people.values("pk")


def _who(people: QuerySet[Professional] | Professional) -> Q:
    """Allocations to ``people`` (a set of professionals, or one)."""
    if isinstance(people, QuerySet):
        return Q(social_worker__in=people_keys(people))
    return Q(social_worker=people.pk)


def _held(who: Q, field: str, outer: str = "pk", *, per_row: bool = False) -> Exists:
    """The row (``OuterRef(outer)``) has an open allocation on ``field`` matching ``who``.
    ``per_row``: probed by index for each row walked, never built as a hashed set (the
    second comparison of ``convene.core.access.among``), for a bounded walk by index."""
    link = {field: OuterRef(outer)}
    if per_row:
        link[f"{field}__gte"] = OuterRef(outer)
    return Exists(Allocation.objects.filter(who, ended_at__isnull=True, **link))


def _has_own(field: str, *, per_row: bool = False) -> Exists:
    return _held(Q(), field, per_row=per_row)


def discussions_held_q(who: Q, *, per_row: bool = False) -> Q:
    """Discussions allocated per ``who``, or with no allocation of their own and their
    referral's allocated per ``who`` (the inheritance of ``current_for``), as a condition
    on the outer discussion."""
    own = _held(who, "discussion", per_row=per_row)
    inherited = ~_has_own("discussion", per_row=per_row) & _held(
        who, "referral", "referral_id", per_row=per_row
    )
    return Q(own) | inherited


def _discussions_held(qs: QuerySet[Discussion], who: Q) -> QuerySet[Discussion]:
    """Discussions allocated per ``who``, or with no allocation of their own and their
    referral's allocated per ``who`` (the inheritance of ``current_for``, set-based)."""
    return qs.filter(discussions_held_q(who))


def _s47s_held(qs: QuerySet[S47Enquiry], who: Q, *, per_row: bool = False) -> QuerySet[S47Enquiry]:
    if per_row:
        discussions = Discussion.objects.filter(discussions_held_q(who, per_row=True))
        inherited = Q(among(discussions, "discussion", per_row=True))
    else:
        inherited = Q(discussion__in=_discussions_held(Discussion.objects.all(), who))
    return qs.filter(
        _held(who, "s47_enquiry", per_row=per_row)
        | (~_has_own("s47_enquiry", per_row=per_row) & inherited)
    )


def _held_by(people: QuerySet[Professional] | Professional) -> Q:
    """Cases ``people`` (a set of professionals, or one) hold now, by the column the
    allocation app keeps on each case (``convene.allocation.holders``): a test of the row
    itself, where the allocations were probed three times a row (issue 15)."""
    if isinstance(people, QuerySet):
        return Q(held_by__in=people_keys(people))
    return Q(held_by=people.pk)


def referrals_allocated(
    qs: QuerySet[Referral], *, to: QuerySet[Professional] | Professional
) -> QuerySet[Referral]:
    return qs.filter(_held_by(to))


def discussions_allocated(
    qs: QuerySet[Discussion], *, to: QuerySet[Professional] | Professional
) -> QuerySet[Discussion]:
    """A discussion allocated to ``to``, or with no allocation of its own and its referral's."""
    return qs.filter(_held_by(to))


def discussions_allocated_q(*, to: QuerySet[Professional] | Professional) -> Q:
    """``discussions_allocated`` as a condition on the outer discussion."""
    return _held_by(to)


def s47s_allocated(
    qs: QuerySet[S47Enquiry], *, to: QuerySet[Professional] | Professional
) -> QuerySet[S47Enquiry]:
    """An enquiry allocated to ``to``, or inheriting from a discussion allocated to ``to``."""
    return qs.filter(_held_by(to))


def s47s_of_teams_of(qs: QuerySet[S47Enquiry], *, member: Professional) -> QuerySet[S47Enquiry]:
    """Enquiries held by ``member``'s teams: allocated to one of the teams they belong to, or
    to one of its members (``member`` included), with the inheritance of ``current_for``."""
    teams = Team.objects.filter(members=member.pk).values("pk")
    return _s47s_held(qs, Q(team__in=teams) | _who(team_mates(user=member)))


# The most cases ``case_ids`` lists: a worker's caseload is tens, a manager's thousands.
CASES_LISTED = 500


@dataclass(frozen=True)
class CaseIds:
    """The ids of the cases a person (or team) holds now, as values (``case_ids``)."""

    referrals: tuple[int, ...]
    discussions: tuple[int, ...]  # their own allocation, or their referral's (inherited)
    s47s: tuple[int, ...]  # likewise, from the discussion


def case_ids(*, to: QuerySet[Professional] | Professional) -> CaseIds | None:
    """The cases allocated to ``to`` now, with the inheritance of ``current_for``, as ids:
    at most three small queries by index (their allocations, then the discussions and
    enquiries inheriting from them). None when they hold more than ``CASES_LISTED`` (a
    manager's): the caller then filters through the querysets (``referrals_allocated``...).

    Why values: ``pk IN (12, 40)`` lets PostgreSQL fetch a worker's few cases by primary
    key, where the set-based form walked a list's index probing every row for whether it
    is theirs (seconds at 50,000 discussions for someone holding none, issue 15)."""
    cap = CASES_LISTED + 1
    held = list(
        Allocation.objects.filter(_who(to), ended_at__isnull=True)
        .order_by()
        .values_list("referral_id", "discussion_id", "s47_enquiry_id")[:cap]
    )
    if len(held) == cap:
        return None
    referrals = sorted({r for r, _, _ in held if r is not None})
    discussions = {d for _, d, _ in held if d is not None}
    if referrals:
        discussions.update(
            Discussion.objects.filter(referral__in=referrals)
            .exclude(_has_own("discussion"))
            .order_by()
            .values_list("pk", flat=True)[:cap]
        )
    s47s = {s for _, _, s in held if s is not None}
    if discussions and len(discussions) <= CASES_LISTED:
        s47s.update(
            S47Enquiry.objects.filter(discussion__in=sorted(discussions))
            .exclude(_has_own("s47_enquiry"))
            .order_by()
            .values_list("pk", flat=True)[:cap]
        )
    if max(len(discussions), len(s47s)) > CASES_LISTED:
        return None
    return CaseIds(tuple(referrals), tuple(sorted(discussions)), tuple(sorted(s47s)))


def s47s_of_case_ids(qs: QuerySet[S47Enquiry], *, ids: CaseIds) -> QuerySet[S47Enquiry]:
    """``s47s_allocated`` for a caseload listed by ``case_ids``: by primary key."""
    return qs.filter(pk__in=ids.s47s)


@dataclass(frozen=True)
class TeamCases:
    """The cases a team holds now, each as a queryset of ids (for ``__in`` filters)."""

    referrals: QuerySet[Referral, Any]
    discussions: QuerySet[Discussion, Any]
    s47s: QuerySet[S47Enquiry, Any]


def team_cases(*, team: Team | int, per_row: bool = False) -> TeamCases:
    """The referrals, discussions and S47 enquiries allocated to ``team`` now, with the same
    inheritance as ``current_for`` (S47 → discussion → referral). Querysets, never rows.

    ``per_row``: for rows already narrowed to the team's case keys (``team_case_keys``), each
    asked one at a time: an enquiry inherits through an ``EXISTS`` on its discussion, never
    ``discussion IN`` (every discussion the team holds) under an ``OR``, which PostgreSQL can
    only build whole and, when too big to hash, scans again for each row (issue 13: a team's
    dashboard at a million discussions)."""
    who = Q(team=team)
    return TeamCases(
        referrals=Referral.objects.filter(_held(who, "referral")).values("pk"),
        discussions=_discussions_held(Discussion.objects.all(), who).values("pk"),
        s47s=_s47s_held(S47Enquiry.objects.all(), who, per_row=per_row).values("pk"),
    )


def team_case_keys(*, team: Team | int) -> QuerySet[Any, Any]:
    """The case keys (referral ids, as ``Clock.case_referral``) of the team's own open
    allocations: the referral allocated, the referral of the discussion allocated, or of the
    enquiry's discussion. Everything ``team_cases`` holds hangs from one of them (what it
    inherits, from an allocation here), so a report narrows its rows by them first, by index,
    then asks ``team_cases`` of the few left; a key may hold nothing of the team's (its
    discussion allocated to another team), which the exact rule then leaves out.

    A ``UNION ALL`` of the three, each from its own allocations by index: not one row per
    allocation with the discussion and enquiry left-joined, which PostgreSQL hashed by reading
    every discussion and enquiry."""
    own = Allocation.objects.filter(team=team, ended_at__isnull=True).order_by()
    discussions = own.filter(discussion__isnull=False).values("discussion_id")
    enquiries = own.filter(s47_enquiry__isnull=False).values("s47_enquiry_id")
    return (
        own.filter(referral__isnull=False)
        .values("referral_id")
        .union(
            Discussion.objects.filter(pk__in=discussions).order_by().values("referral_id"),
            Discussion.objects.filter(s47_enquiries__in=enquiries).order_by().values("referral_id"),
            all=True,
        )
    )


def allocations_visible_to(*, user: Professional) -> QuerySet[Allocation]:
    """An allocation is seen by whoever may see the case it allocates."""
    from convene.discussions.selectors import discussions_visible_to
    from convene.followup.enquiries.selectors import s47_enquiries_visible_to
    from convene.referrals.selectors import referrals_visible_to

    return Allocation.objects.filter(
        Q(among(referrals_visible_to(user=user), "referral"))
        | Q(among(discussions_visible_to(user=user), "discussion"))
        | Q(among(s47_enquiries_visible_to(user=user), "s47_enquiry"))
    )


def case_url(subject: Subject) -> str:
    """The case page that shows the allocation."""
    from django.urls import reverse

    if isinstance(subject, S47Enquiry):
        return reverse("followup:s47", args=[subject.pk])
    return subject.get_absolute_url()
