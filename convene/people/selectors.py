"""Reads of people and children. Who may see which child is decided here, once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat

from convene.core.access import (
    CASELOAD_ROLES,
    child_grants,
    child_grants_registered,
    sees_whole_caseload,
)
from convene.core.selector_memo import read_for_selectors, remembered_per_person
from convene.people import nhs_number
from convene.people.models import Child, FamilyMember, Partnership, Professional

# The caseload rule lives in the permission layer (convene.core.access); it is
# re-exported here so existing callers keep working.
__all__ = [
    "CASELOAD_ROLES",
    "children_listed",
    "children_search",
    "children_visible_to",
    "family_members_visible_to",
    "partnership_ids_learn",
    "partnership_ids_of",
    "partnerships_of",
    "professionals_visible_to",
    "sees_whole_caseload",
]


def _agency_id(user: Professional) -> int | None:
    """The person's agency, or None: read with ``getattr``, since a page open to the
    signed-out asks these selectors of ``AnonymousUser``, which has no agency (none: no
    partnership), and must get the empty answer rather than an ``AttributeError``."""
    return getattr(user, "agency_id", None)


@remembered_per_person
def partnerships_of(*, user: Professional) -> QuerySet[Partnership]:
    agency = _agency_id(user)
    if agency is None:
        return Partnership.objects.none()
    return Partnership.objects.filter(agencies=agency)


# Where partnership_ids_of keeps its answer on the person: (their agency then, the ids).
_PARTNERSHIP_IDS = "_partnership_ids"


def partnership_ids_of(*, user: Professional) -> list[int]:
    """The ids of ``partnerships_of(user)`` as values, read once per user object (one query,
    then kept on it for the request, as ``role_set`` is): ``partnership_id IN (1)`` lets
    PostgreSQL walk an index on ``(partnership, ...)`` in the list's order, where
    ``IN (SELECT ...)`` hides that it is one partnership and makes it fetch and sort every
    row of it (issue 15, docs/performance.md)."""
    # Read for the selectors: a query built from these ids is kept across requests only
    # while the person's partnerships are the same (convene.core.selector_memo).
    return list(read_for_selectors(user, _partnership_ids))


def _partnership_ids(user: Professional) -> tuple[int, ...]:
    agency = _agency_id(user)
    if agency is None:  # no agency (or signed out): no partnership, and no query
        return ()
    cached: tuple[int | None, list[int]] | None = getattr(user, _PARTNERSHIP_IDS, None)
    if cached is None or cached[0] != agency:
        ids = sorted(partnerships_of(user=user).values_list("pk", flat=True))
        cached = (agency, ids)
        setattr(user, _PARTNERSHIP_IDS, cached)
    return tuple(cached[1])


def partnership_ids_learn(people: Iterable[Professional]) -> None:
    """Read :func:`partnership_ids_of` for many people at once, in one query for all of them
    (not one each), and keep each answer on its person as ``partnership_ids_of`` does: a sweep
    asks the need-to-know selectors of every manager of a batch (issue 15)."""
    todo = [
        person
        for person in people
        if getattr(person, _PARTNERSHIP_IDS, (object(),))[0] != person.agency_id
    ]
    agencies = {person.agency_id for person in todo if person.agency_id is not None}
    served: dict[int, list[int]] = {agency: [] for agency in agencies}
    if agencies:
        links = Partnership.agencies.through.objects.filter(agency_id__in=agencies)
        for agency, partnership in links.values_list("agency_id", "partnership_id"):
            served[agency].append(partnership)
    for person in todo:
        ids = sorted(served.get(person.agency_id, [])) if person.agency_id is not None else []
        setattr(person, _PARTNERSHIP_IDS, (person.agency_id, ids))


def professionals_visible_to(*, user: Professional) -> QuerySet[Professional]:
    """The staff ``user`` may know of: those of the agencies serving their partnerships (the
    people they could invite or name), and themselves. A look-up by id of anyone else (another
    partnership's staff) answers as for an id that does not exist."""
    if not user.is_active:
        return Professional.objects.none()
    serving = Professional.objects.filter(agency__partnerships__in=partnerships_of(user=user))
    return Professional.objects.filter(Q(pk__in=serving.values("pk")) | Q(pk=user.pk))


@remembered_per_person(depends=child_grants_registered)
def children_visible_to(*, user: Professional) -> QuerySet[Child]:
    """Children this professional may see: the one place that decides it.

    Children's social care (and the partnership's admins and auditors) see their
    partnerships' whole caseload. Everyone else sees the children that a rule
    registered with ``convene.core.access.grants_children`` gives them (the
    discussions app registers "children of discussions you are invited to");
    with no such rule, nobody.
    """
    condition = _seen(user=user, per_row=False)
    return Child.objects.none() if condition is None else Child.objects.filter(condition)


def _seen(*, user: Professional, per_row: bool) -> Q | None:
    """The rule of ``children_visible_to`` as a condition (None: no child). ``per_row``: for a
    walk in index order that stops at a page, every part answered from the row walked: the
    caseload as partnership ids (values, one query) and each grant asked per row."""
    if not user.is_active:
        return None
    caseload_too = sees_whole_caseload(user=user)
    condition = child_grants(user=user, per_row=per_row, alone=not caseload_too)
    if caseload_too:
        caseload = (
            Q(partnership_id__in=partnership_ids_of(user=user))
            if per_row
            else Q(partnership__in=partnerships_of(user=user))
        )
        condition = caseload if condition is None else caseload | condition
    return condition


def family_members_visible_to(*, user: Professional) -> QuerySet[FamilyMember]:
    """A parent or carer is seen by whoever may see one of their children (the child's page
    lists the family)."""
    seen = FamilyMember.children.through.objects.filter(
        child__in=children_visible_to(user=user)
    ).values("family_member")
    return FamilyMember.objects.filter(pk__in=seen)


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %m %Y", "%d.%m.%Y")


def _as_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


# The list's order, which the index ``people_child_name_order`` walks (people/0006).
NAME_ORDER = ("last_name", "first_name", "pk")


def children_listed(*, user: Professional, query: str = "") -> QuerySet[Child]:
    """The children's list (home, its search, and ``/api/children/``): ``children_search``'s
    rows in name order, with the rule of ``children_visible_to`` written so the page and its
    count stop early (issue 15): a caseload person's list walks the name index, their
    invitations asked of each row walked when they are many; a partner's few children are
    read first and drive the page (``convene.discussions.access``)."""
    condition = _seen(user=user, per_row=True)
    if condition is None:
        return Child.objects.none()
    children = Child.objects.filter(condition).select_related("partnership")
    matching = _matching(children, query)
    if _sorted_not_walked(query):
        # The matches of a name searched for are read from the trigram indexes and sorted,
        # never met on a walk of the name index: the walk meets them bunched where their
        # last name sorts (``sm``: after 234,702 other children, 338 ms at 1,000,000
        # discussions), since the column searched is the column walked, and the planner
        # prices the walk as if they were spread evenly. ``last_name || ''`` sorts exactly
        # as ``last_name`` does (same text, same collation), but no index can give it.
        return matching.order_by(Concat("last_name", Value("")), *NAME_ORDER[1:])
    return matching.order_by(*NAME_ORDER)


def _sorted_not_walked(query: str) -> bool:
    """A name searched for by a word of two letters or more: its matches are few enough
    to sort (``sm``: 9,544 of 300,000 children, 33 ms). A single letter (``s``) matches
    tens of thousands (100 ms to sort them) but is met at once on the walk, in first names
    as often as last (5-14 ms)."""
    return _by_name(query) and any(len(word) > 1 for word in _cleaned(query).split())


def children_search(*, user: Professional, query: str) -> QuerySet[Child]:
    """Search by name, date of birth (or expected delivery) or NHS number."""
    return _matching(children_visible_to(user=user).select_related("partnership"), query)


def _cleaned(query: str) -> str:
    # NUL cannot be stored or compared in PostgreSQL text; nobody types one on purpose.
    return query.replace("\x00", "").strip()


def _is_nhs_number(query: str) -> bool:
    digits = re.sub(r"[\s-]", "", query)
    return digits.isdigit() and len(digits) == 10


def _by_name(query: str) -> bool:
    """``query`` is searched for as words of a name (not an NHS number, not a date)."""
    query = _cleaned(query)
    return bool(query) and not _is_nhs_number(query) and _as_date(query) is None


def _matching(children: QuerySet[Child], query: str) -> QuerySet[Child]:
    query = _cleaned(query)
    if not query:
        return children
    digits = re.sub(r"[\s-]", "", query)
    if _is_nhs_number(query):
        try:
            return children.filter(nhs_number=nhs_number.normalise(digits))
        except nhs_number.InvalidNhsNumber:
            return children.none()
    day = _as_date(query)
    if day is not None:
        return children.filter(Q(date_of_birth=day) | Q(expected_date_of_delivery=day))
    condition = Q()
    for word in query.split():
        # Each word matches the start of a name (of any word of the other names), which the
        # trigram indexes answer (people/0003); a match mid-word would read the whole table.
        condition &= (
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(other_names__istartswith=word)
            | Q(other_names__icontains=f" {word}")
        )
    return children.filter(condition)
