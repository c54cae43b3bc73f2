"""The shape of a "My work" row and the pieces every section builds it from.

Shared by :mod:`convene.allocation.work` and :mod:`convene.allocation.work_follow_through`
so neither section module copies the other's helpers.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.urls import reverse

from convene.allocation import selectors
from convene.allocation.selectors import (
    CaseIds,
    case_ids,
    discussions_allocated_q,
    people_keys,
    referrals_allocated,
    s47s_allocated,
    s47s_of_case_ids,
)
from convene.core.access import among
from convene.discussions.models import Discussion
from convene.followup.models import S47Enquiry
from convene.people.models import Child, Professional
from convene.referrals.models import Referral
from convene.workdays import london_date

ROWS_PER_SECTION = 50


@dataclass(frozen=True)
class ChildrenOf:
    """The children of a referral or a discussion, named for the whole page at once
    (:func:`with_children_named`): one query per kind of subject, where a prefetch per
    section built and ran one for each section with rows (issue 15)."""

    subject: type[Referral] | type[Discussion]
    pk: int


@dataclass(frozen=True)
class WorkRow:
    child: str
    what: str
    due_at: datetime | None
    status: str  # "overdue", "due today", "on track" or "" (no deadline)
    url: str
    # Whose children ``child`` is to name, until the page names them all at once.
    children_of: ChildrenOf | None = None


def status_of(due_at: datetime | None, now: datetime) -> str:
    """Time left in three words: a pure function of the deadline and ``now``."""
    if due_at is None:
        return ""
    if due_at < now:
        return "overdue"
    if london_date(due_at) == london_date(now):
        return "due today"
    return "on track"


def names(children: Iterable[Child]) -> str:
    return _named((c.first_name, c.last_name) for c in children)


def _named(first_and_last: Iterable[tuple[str, str]]) -> str:
    """A row's children as the page shows them: first and last names, by commas."""
    return ", ".join(f"{first} {last}" for first, last in first_and_last)


def with_children_named(rows: list[WorkRow]) -> list[WorkRow]:
    """``rows`` with each ``children_of`` named: the children of all the page's referrals in
    one query, of all its discussions in another, as a row's subject lists them (by name)."""
    wanted: dict[type[Any], set[int]] = defaultdict(set)
    for r in rows:
        if r.children_of is not None:
            wanted[r.children_of.subject].add(r.children_of.pk)
    named: dict[ChildrenOf, list[tuple[str, str]]] = defaultdict(list)
    for subject, pks in wanted.items():
        links = subject.children.through.objects.filter(**{f"{_LINK[subject]}__in": sorted(pks)})
        for pk, first_name, last_name in links.order_by(
            "child__last_name", "child__first_name"
        ).values_list(_LINK[subject], "child__first_name", "child__last_name"):
            named[ChildrenOf(subject, pk)].append((first_name, last_name))
    return [
        r
        if r.children_of is None
        else replace(r, child=_named(named[r.children_of]), children_of=None)
        for r in rows
    ]


_LINK: dict[type[Any], str] = {Referral: "referral_id", Discussion: "discussion_id"}


def link_to(url_name: str) -> Callable[..., str]:
    """``reverse(url_name, args=...)`` for a section's rows: reversed once, with markers for
    the arguments, then each row's keys written in (``reverse`` per row was a tenth of the
    CPU of a section of 50 rows, issue 15). Every argument is a primary key (an int)."""
    patterns: dict[int, str] = {}

    def url(*keys: int) -> str:
        if len(keys) not in patterns:
            patterns[len(keys)] = reverse(url_name, args=_MARKERS[: len(keys)])
        written = patterns[len(keys)]
        for marker, key in zip(_MARKERS, keys, strict=False):
            written = written.replace(str(marker), str(int(key)), 1)
        return written

    return url


# Stand for the keys in a reversed URL: digits (``<int:...>`` takes nothing else), and more
# than a key or any other part of a path holds.
_MARKERS = tuple(987_654_321_000 + i for i in range(3))


def row(
    children: Iterable[Child] | ChildrenOf,
    what: str,
    due_at: datetime | None,
    url: str,
    now: datetime,
) -> WorkRow:
    """A row; ``children`` as a ``ChildrenOf`` are named later, with the whole page's."""
    if isinstance(children, ChildrenOf):
        return WorkRow("", what, due_at, status_of(due_at, now), url, children)
    return WorkRow(names(children), what, due_at, status_of(due_at, now), url)


def children_of(subject: Referral | Discussion) -> ChildrenOf:
    return ChildrenOf(Referral if isinstance(subject, Referral) else Discussion, subject.pk)


# What a row shows of a referral or a discussion: its key (the reference), a discussion's
# kind and start. A referral's other 47 columns (its account, triage conversation and policy
# explanation among them) were read and parsed for every row, 100 a page (issue 15).
_SHOWN: dict[type[Any], tuple[str, ...]] = {
    Referral: ("pk",),
    Discussion: ("pk", "kind", "starts_at"),
}


def shown_only(subjects: QuerySet[Any]) -> QuerySet[Any]:
    """``subjects`` (referrals or discussions) reading only the columns ``linked_rows``
    shows."""
    return subjects.only(*_SHOWN[subjects.model])


def linked_rows(
    subjects: Iterable[Any],
    url_name: str,
    now: datetime,
    what_and_due: Callable[[Any], tuple[str, datetime | None]],
) -> list[WorkRow]:
    """The rows of referrals or discussions: each one's children, linked to its page
    ``url_name``, with what ``what_and_due`` says of it."""
    url = link_to(url_name)
    return [row(children_of(s), *what_and_due(s), url(s.pk), now) for s in subjects]


def discussion_rows(
    discussions: Iterable[int], what: str, url_name: str, now: datetime
) -> list[WorkRow]:
    """Undated rows of discussions known by key alone (a record's, a version's): ``what``
    names each as ``{reference}``, linked to ``url_name`` with its key. Keys, not the rows of
    record, version and discussion joined: those were most of a section's CPU (issue 15)."""
    url = link_to(url_name)
    return [
        row(
            ChildrenOf(Discussion, pk),
            what.format(reference=Discussion.reference_of(pk)),
            None,
            url(pk),
            now,
        )
        for pk in discussions
    ]


Section = Callable[[Professional, "Mine", datetime], list[WorkRow]]


def of_own(kind: Literal["referrals", "discussions", "s47s"]) -> Callable[[Section], Section]:
    """Decorate a section of the person's own ``kind`` of case: empty, and never built, for
    someone who holds none (``Mine.holds``)."""

    def decorate(section: Section) -> Section:
        @functools.wraps(section)
        def run(user: Professional, mine: Mine, now: datetime) -> list[WorkRow]:
            return section(user, mine, now) if mine.holds(kind) else []

        run.own_kind = kind  # type: ignore[attr-defined]  # for ``work_probe.may_have``
        return run

    return decorate


def mine_or_chaired(qs: QuerySet[Discussion], who: Any) -> QuerySet[Discussion]:
    """Discussions held by ``who`` (or inherited from their referral) or chaired by them:
    two columns of the row (``held_by``, ``chair``), for a walk or a set alike."""
    chair = Q(chair__in=people_keys(who)) if isinstance(who, QuerySet) else Q(chair=who.pk)
    return qs.filter(discussions_allocated_q(to=who) | chair)


Who = QuerySet[Professional] | Professional


@dataclass(frozen=True)
class Mine:
    """Whose cases a My work list shows, and how each section asks it (issue 15).

    A worker holds a few cases: ``ids`` lists them (``case_ids``) with the discussions
    they chair, and each section filters ``IN (...)`` by primary key. A manager holds
    thousands: ``ids`` is None and each section walks its own index in its list's order,
    asking of each row whether it is theirs (``mine_or_chaired``...). The
    two mean the same; only the plan differs."""

    who: Who
    ids: CaseIds | None
    chaired: tuple[int, ...]

    @classmethod
    def of(cls, who: Who) -> Mine:
        ids = case_ids(to=who)
        if ids is None:
            return cls(who, None, ())
        chair = Q(chair__in=people_keys(who)) if isinstance(who, QuerySet) else Q(chair=who.pk)
        cap = selectors.CASES_LISTED  # read when asked, so a test may lower it
        chaired = tuple(
            Discussion.objects.filter(chair).order_by("pk").values_list("pk", flat=True)[: cap + 1]
        )
        if len(chaired) > cap:
            return cls(who, None, ())
        return cls(who, ids, chaired)

    def holds(self, kind: Literal["referrals", "discussions", "s47s"]) -> bool:
        """Whether any ``kind`` may be theirs (discussions: held or chaired). False only for a
        listed caseload with none: a section filtering by it is empty, so it returns before
        building its query, which cost a few ms of CPU each for someone holding nothing
        (an auditor, a head of service, a new worker; issue 15)."""
        if self.ids is None:
            return True
        if kind == "discussions":
            return bool(self.ids.discussions or self.chaired)
        return bool(getattr(self.ids, kind))

    def referrals(self, qs: QuerySet[Referral]) -> QuerySet[Referral]:
        if self.ids is None:
            return referrals_allocated(qs, to=self.who)
        return qs.filter(pk__in=self.ids.referrals)

    def referral_ids(self) -> Any:
        """For a filter through another table (``referral__in=``)."""
        if self.ids is None:
            return referrals_allocated(Referral.objects.all(), to=self.who).values("pk")
        return self.ids.referrals

    def s47s(self, qs: QuerySet[S47Enquiry]) -> QuerySet[S47Enquiry]:
        if self.ids is None:
            return s47s_allocated(qs, to=self.who)
        return s47s_of_case_ids(qs, ids=self.ids)

    def discussions(self, qs: QuerySet[Discussion]) -> QuerySet[Discussion]:
        """Held or chaired (``mine_or_chaired``), of discussions walked in a list's order."""
        if self.ids is None:
            return mine_or_chaired(qs, self.who)
        return qs.filter(pk__in=self._held_or_chaired())

    def discussion_q(self, key: str) -> Q:
        """Rows whose ``key`` (a discussion foreign key) is held or chaired."""
        if self.ids is None:
            return Q(among(mine_or_chaired(Discussion.objects.all(), self.who), key, per_row=True))
        return Q(**{f"{key}__in": self._held_or_chaired()})

    def _held_or_chaired(self) -> list[int]:
        assert self.ids is not None
        return sorted(set(self.ids.discussions) | set(self.chaired))
