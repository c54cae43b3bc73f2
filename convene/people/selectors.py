"""Reads of people and children. Who may see which child is decided here, once."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db.models import Q, QuerySet

from convene.people import nhs_number
from convene.people.models import Child, Partnership, Professional
from convene.people.vocab import AgencyKind, Role

# Roles whose holders work a partnership's whole caseload (children's social care
# and the partnership's own admins and auditors). Everyone else is a partner
# and sees only what they are invited to.
CASELOAD_ROLES = frozenset(
    {
        Role.TRIAGE_ADVISOR,
        Role.SOCIAL_WORKER,
        Role.DEPUTY_TEAM_MANAGER,
        Role.TEAM_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.PARTNERSHIP_ADMIN,
        Role.AUDITOR,
    }
)


def partnerships_of(*, user: Professional) -> QuerySet[Partnership]:
    if user.agency_id is None:
        return Partnership.objects.none()
    return Partnership.objects.filter(agencies=user.agency_id)


def sees_whole_caseload(*, user: Professional) -> bool:
    if user.agency_id is None or not user.has_role(*CASELOAD_ROLES):
        return False
    agency = user.agency
    return agency is not None and (
        agency.kind == AgencyKind.SOCIAL_CARE or user.has_role(Role.AUDITOR, Role.PARTNERSHIP_ADMIN)
    )


def children_visible_to(*, user: Professional) -> QuerySet[Child]:
    """Children this professional may see: their partnerships' caseload for social care.

    Partner agencies see only the children of the strategy discussions they are
    invited to (convene.discussions), and nobody else.
    """
    if not user.is_active:
        return Child.objects.none()
    if sees_whole_caseload(user=user):
        return Child.objects.filter(partnership__in=partnerships_of(user=user))
    invited = Child.objects.filter(discussions__invitations__professional=user.pk).values("pk")
    return Child.objects.filter(pk__in=invited)


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %m %Y", "%d.%m.%Y")


def _as_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def children_search(*, user: Professional, query: str) -> QuerySet[Child]:
    """Search by name, date of birth (or expected delivery) or NHS number."""
    children = children_visible_to(user=user).select_related("partnership")
    query = query.strip()
    if not query:
        return children
    digits = re.sub(r"[\s-]", "", query)
    if digits.isdigit() and len(digits) == 10:
        try:
            return children.filter(nhs_number=nhs_number.normalise(digits))
        except nhs_number.InvalidNhsNumber:
            return children.none()
    day = _as_date(query)
    if day is not None:
        return children.filter(Q(date_of_birth=day) | Q(expected_date_of_delivery=day))
    condition = Q()
    for word in query.split():
        condition &= (
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(other_names__icontains=word)
        )
    return children.filter(condition)
