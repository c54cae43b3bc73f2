"""Reads of clocks and escalations. Who may see and act on an escalation is decided here, once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Model, QuerySet, Window
from django.db.models.functions import RowNumber

from convene.clocks.models import Clock, Escalation
from convene.clocks.subjects import (
    caseload_visible_keys,
    caseload_visible_q,
    subject_visible_q,
    visible_subject_keys,
)
from convene.core.access import is_read_only
from convene.core.pagination import older_than
from convene.people.models import Agency, Partnership, Professional
from convene.people.selectors import partnership_ids_of, partnerships_of, sees_whole_caseload
from convene.people.vocab import AgencyKind, Role
from convene.policy.vocab import ClockKind

__all__ = [
    "ESCALATION_MANAGER_ROLES",
    "REMINDER_ROLES",
    "EscalationPage",
    "clocks_counting",
    "clocks_counting_among",
    "clocks_visible_to",
    "escalation_may_act",
    "escalations_page",
    "escalations_visible_among",
    "escalations_visible_to",
    "is_social_care_manager",
    "partner_agencies_of",
    "partnership_admins",
    "social_care_agencies",
    "social_care_staff",
    "social_care_with_roles",
]

# Social care managers who acknowledge and resolve escalations (R004.8).
ESCALATION_MANAGER_ROLES = frozenset(
    {Role.TEAM_MANAGER, Role.DEPUTY_TEAM_MANAGER, Role.HEAD_OF_SERVICE}
)
# Who hears about every clock of the partnership: the social care team's managers.
REMINDER_ROLES = frozenset({Role.TEAM_MANAGER, Role.DEPUTY_TEAM_MANAGER})


def social_care_agencies(*, partnership: Partnership) -> QuerySet[Agency]:
    return Agency.objects.filter(partnerships=partnership, kind=AgencyKind.SOCIAL_CARE.value)


def partner_agencies_of(*, partnerships: QuerySet[Partnership]) -> QuerySet[Agency]:
    """The agencies other than children's social care serving any of ``partnerships``."""
    return (
        Agency.objects.filter(partnerships__in=partnerships)
        .exclude(kind=AgencyKind.SOCIAL_CARE.value)
        .distinct()
    )


def social_care_with_roles(
    *, partnership: Partnership, roles: Iterable[Role]
) -> QuerySet[Professional]:
    """Active professionals of the partnership's children's social care holding any of ``roles``."""
    return (
        Professional.objects.filter(
            is_active=True,
            agency__partnerships=partnership,
            agency__kind=AgencyKind.SOCIAL_CARE.value,
            role_grants__role__in=[Role(role).value for role in roles],
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def social_care_staff(*, partnership: Partnership) -> QuerySet[Professional]:
    """Active professionals of the partnership's children's social care, whatever their role."""
    return (
        Professional.objects.filter(
            is_active=True,
            agency__partnerships=partnership,
            agency__kind=AgencyKind.SOCIAL_CARE.value,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def partnership_admins(*, partnership: Partnership) -> QuerySet[Professional]:
    return (
        Professional.objects.filter(
            is_active=True,
            agency__partnerships=partnership,
            role_grants__role=Role.PARTNERSHIP_ADMIN.value,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def is_social_care_manager(*, user: Professional, partnership: Partnership) -> bool:
    agency = user.agency
    return (
        user.is_active
        and not is_read_only(user=user)
        and agency is not None
        and agency.kind == AgencyKind.SOCIAL_CARE.value
        and user.has_role(*ESCALATION_MANAGER_ROLES)
        and partnerships_of(user=user).filter(pk=partnership.pk).exists()
    )


def may_raise_escalation(*, user: Professional) -> bool:
    """May ``user`` raise an escalation by hand (R004.8)? Staff of an agency of a partnership:
    social care's caseload staff (to a partner), a partner (to social care); never an auditor."""
    if is_read_only(user=user):
        return False  # auditors read escalations, never raise them
    if user.agency is None or not partnerships_of(user=user).exists():
        return False
    if user.agency.kind == AgencyKind.SOCIAL_CARE.value:
        return sees_whole_caseload(user=user)
    return True


def _counting(model: type[Model], kinds: Iterable[ClockKind]) -> QuerySet[Clock]:
    """Clocks of ``kinds`` on ``model`` rows that still count (not waived)."""
    return Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(model),
        kind__in=[kind.value for kind in kinds],
    ).exclude(state=Clock.State.WAIVED)


# "Newest" among a row's clocks: the one started last (ties by id).
_NEWEST_FIRST = ("-started_at", "-pk")


def clocks_counting(
    model: type[Model], subject_id: Any, kinds: Iterable[ClockKind]
) -> QuerySet[Clock]:
    """The clocks of ``kinds`` on one ``model`` row (its id, or an ``OuterRef`` in a
    subquery) that still count (not waived), newest first."""
    return _counting(model, kinds).filter(subject_id=subject_id).order_by(*_NEWEST_FIRST)


def clocks_counting_among(
    model: type[Model],
    subject_ids: Iterable[int],
    kinds: Iterable[ClockKind],
    *,
    fields: Sequence[str] = ("due_at", "state", "met_at"),
) -> dict[int, dict[str, Any]]:
    """Of several ``model`` rows (a list's page), each one's newest clock of ``kinds`` that
    still counts (``clocks_counting(...).first()``): its ``fields``, by the row's id. One
    query for the page, where a correlated subquery per row and column made PostgreSQL plan
    and probe each (issue 15); values, not models, as a list shows only these. Rows without
    one are absent; no rows, no query."""
    ids = list(subject_ids)
    if not ids:
        return {}
    newest = (
        _counting(model, kinds)
        .filter(subject_id__in=ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("subject_id")],
                order_by=[F(field[1:]).desc() for field in _NEWEST_FIRST],
            )
        )
        .filter(rank=1)
    )
    return {row["subject_id"]: row for row in newest.values("subject_id", *fields)}


def clocks_visible_to(*, user: Professional) -> QuerySet[Clock]:
    """Clocks of the partnerships whose caseload the user works, about records they may see
    (a restricted referral's only to those named on it); partners see none yet.

    Partners will see the clocks of what they are invited to once invitations
    exist (the discussions app's selector, joined here).
    """
    if not user.is_active or not sees_whole_caseload(user=user):
        return Clock.objects.none()
    return Clock.objects.filter(
        caseload_visible_q(user=user), partnership__in=partnerships_of(user=user)
    )


def escalations_visible_to(*, user: Professional) -> QuerySet[Escalation]:
    """Social care sees its partnerships' escalations; a partner those it raised or that name it.

    Need-to-know comes first: social care sees only those about a record it may see (or
    about none), so an escalation about a restricted referral is for the people named on
    it. A partner named *as a person* likewise; a partner agency named, or that raised it,
    sees it whatever it is about (an agency asked about a referral it cannot open), since
    Convene never addresses an agency about a restricted record
    (:mod:`convene.clocks.audience`).
    """
    if not user.is_active or user.agency_id is None:
        return Escalation.objects.none()
    # The partnerships as values, not a subquery: with ``partnership_id = 1`` PostgreSQL walks
    # the list's index (escalation_list_newest) newest first and stops at a page; with the
    # subquery it read and sorted every open escalation of the partnership (issue 15).
    mine = Escalation.objects.filter(partnership__in=partnership_ids_of(user=user))
    if sees_whole_caseload(user=user):
        # One condition on the stored case key (the case rule, then the subject's own).
        return mine.filter(caseload_visible_q(user=user))
    # A partner's are few: their keys gathered from the indexes that name the agency or the
    # person (one UNION), then the rows by primary key. Under one OR PostgreSQL read every
    # escalation of the partnerships (issue 15). The subject is asked per row of the few.
    through = Escalation.addressed_agencies.through.objects
    unordered = Escalation.objects.order_by()
    named_person = unordered.filter(subject_visible_q(user=user, per_row=True), addressed_to=user)
    keys = (
        through.filter(agency=user.agency_id)
        .order_by()
        .values("escalation")
        .union(
            unordered.filter(raised_by_agency=user.agency_id).values("pk"),
            unordered.filter(raised_by=user).values("pk"),
            named_person.values("pk"),
        )
    )
    return mine.filter(pk__in=keys)


def escalations_visible_among(*, user: Professional, ids: Iterable[int]) -> set[int]:
    """Which of a page's escalation ``ids`` ``user`` may see: the rule of
    :func:`escalations_visible_to`, asked of those rows only (issue 15).

    ``escalations_visible_to`` narrowed to a page still builds need-to-know for every kind of
    subject as SQL, and building it cost far more Python than the database spent (bob's
    notifications, 44 ms on the demo). Here the page's rows are read by primary key, then
    asked set-based: for the caseload, their case keys of the case rule
    (:func:`caseload_visible_keys`, one query) and only the rows it does not settle of their
    subjects' selectors (:func:`visible_subject_keys`, one query per kind of subject); for a
    partner, the page's addressed agencies and people (two queries). Never one per row.
    """
    wanted = set(ids)
    if not wanted or not user.is_active or user.agency_id is None:
        return set()
    rows = list(
        Escalation.objects.filter(
            pk__in=wanted,
            partnership__in=list(partnerships_of(user=user).values_list("pk", flat=True)),
        ).values_list(
            "pk",
            "case_referral_id",
            "subject_type_id",
            "subject_id",
            "raised_by_agency_id",
            "raised_by_id",
        )
    )
    if not rows:
        return set()
    if sees_whole_caseload(user=user):
        cases = caseload_visible_keys(user=user, keys={row[1] for row in rows})
        unsettled = [row for row in rows if row[1] not in cases]
        subjects = visible_subject_keys(user=user, keys={(row[2], row[3]) for row in unsettled})
        return {row[0] for row in rows if row[1] in cases or (row[2], row[3]) in subjects}
    # A partner: what names its agency, what it or its agency raised, and what names the
    # person about a subject they may see (the same four sources as the UNION above).
    pks = [row[0] for row in rows]
    agency_named = set(
        Escalation.addressed_agencies.through.objects.filter(
            agency=user.agency_id, escalation__in=pks
        ).values_list("escalation", flat=True)
    )
    person_named = set(
        Escalation.addressed_to.through.objects.filter(
            professional=user, escalation__in=pks
        ).values_list("escalation", flat=True)
    )
    subjects = visible_subject_keys(
        user=user, keys={(row[2], row[3]) for row in rows if row[0] in person_named}
    )
    return {
        row[0]
        for row in rows
        if row[0] in agency_named
        or row[4] == user.agency_id
        or row[5] == user.pk
        or (row[0] in person_named and (row[2], row[3]) in subjects)
    }


def escalation_may_act(*, user: Professional, escalation: Escalation) -> bool:
    """May ``user`` acknowledge and resolve ``escalation``? The side it is addressed to may.

    Social care managers of the partnership act on every escalation of it (they
    convene, so they answer for all of them); otherwise the people it names and
    the staff of the partner agencies it names, but never the agency that raised it.
    """
    if not user.is_active or user.agency_id is None or is_read_only(user=user):
        return False  # auditors never act, whatever other role they hold
    # Seeing it comes first: a manager not named on a restricted record does not act on it.
    if not escalations_visible_to(user=user).filter(pk=escalation.pk).exists():
        return False
    if is_social_care_manager(user=user, partnership=escalation.partnership):
        return True
    if escalation.raised_by_agency_id == user.agency_id:
        return False
    if escalation.addressed_to.filter(pk=user.pk).exists():
        return True
    # A partner agency answers as an agency; social care answers through its managers.
    in_social_care = user.agency is not None and user.agency.kind == AgencyKind.SOCIAL_CARE.value
    return not in_social_care and escalation.addressed_agencies.filter(pk=user.agency_id).exists()


# The list counts at most this many: a number anyone can act on, and bounded work.
COUNT_UP_TO = 500


@dataclass(frozen=True)
class EscalationPage:
    escalations: list[Escalation]
    # Pass as ``before`` for the next (older) page; None on the last page.
    older: int | None
    first: bool
    count: int  # how many in all, up to COUNT_UP_TO
    more_than: bool  # there are more than COUNT_UP_TO


def escalations_page(
    *, user: Professional, states: Iterable[str], before: int | None, size: int
) -> EscalationPage:
    """One page of the escalations ``user`` may see in ``states``, newest first, after the
    escalation ``before`` (keyset: no offset, and never a count of more than COUNT_UP_TO).
    An unknown ``before`` (or one the person may not see) starts at the newest.

    Need-to-know is one condition of the query (for the caseload, on the stored case key:
    ``caseload_visible_q``), so PostgreSQL walks ``escalation_list_newest`` and stops at a
    page: three queries whatever is hidden (issue 15)."""
    return _page_of(escalations_visible_to(user=user), states=states, before=before, size=size)


def _page_of(
    visible: QuerySet[Escalation], *, states: Iterable[str], before: int | None, size: int
) -> EscalationPage:
    rows = visible.filter(state__in=list(states)).order_by("-raised_at", "-pk")
    # Need-to-know is a large condition, and building its SQL costs far more Python than the
    # database spends on it (about 8 ms a query on the demo, issue 15). So it is asked once:
    # the keys of the newest COUNT_UP_TO + 1 (the rows the bounded count walked anyway),
    # which give the count and, for the first pages, the page itself, read by key.
    keys = list(rows.values_list("pk", flat=True)[: COUNT_UP_TO + 1])
    count = len(keys)
    index = 0 if before is None else (keys.index(before) + 1 if before in keys else None)
    if index is not None and (count <= COUNT_UP_TO or index + size < count):
        wanted = keys[index : index + size + 1]
        found = Escalation.objects.select_related("partnership", "raised_by_agency").in_bulk(wanted)
        fetched = [found[pk] for pk in wanted if pk in found]
        first = before is None
    else:  # deeper than the keys read, or an unknown cursor: the keyset walk itself
        fetched, first = _walk(rows, before=before, size=size)
    page = fetched[:size]
    return EscalationPage(
        escalations=page,
        older=page[-1].pk if len(fetched) > size else None,
        first=first,
        count=min(count, COUNT_UP_TO),
        more_than=count > COUNT_UP_TO,
    )


def _walk(
    rows: QuerySet[Escalation], *, before: int | None, size: int
) -> tuple[list[Escalation], bool]:
    """The page after ``before`` by keyset (newest first when it is unknown or hidden), and
    whether that is the first page."""
    rows = rows.select_related("partnership", "raised_by_agency")
    start = None
    if before is not None:
        start = rows.filter(pk=before).values_list("raised_at", flat=True).first()
    if start is not None and before is not None:
        rows = older_than(rows, field="raised_at", value=start, pk=before)
    return list(rows[: size + 1]), start is None
