"""Who carries a case through the follow-through: children's social care's workers and managers,
the Head of Service, the Reviewing Service (R001.14), and the people of a partnership."""

from __future__ import annotations

from django.db.models import (
    QuerySet,
)

from convene.core.access import is_read_only
from convene.people.models import Partnership, Professional
from convene.people.selectors import partnership_ids_of
from convene.people.vocab import AgencyKind, Role

# Children's social care staff who carry a case through: the social worker and managers.
WORKER_ROLES = frozenset(
    {Role.SOCIAL_WORKER, Role.DEPUTY_TEAM_MANAGER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE}
)
# Managers give management oversight (R000.2b), decide on an HRPM (R000.2c), close enquiries.
MANAGER_ROLES = frozenset({Role.DEPUTY_TEAM_MANAGER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE})


def _social_care_in(user: Professional, partnership: Partnership | int) -> bool:
    pk = partnership if isinstance(partnership, int) else partnership.pk
    return (
        user.is_active
        and user.agency is not None
        and user.agency.kind == AgencyKind.SOCIAL_CARE
        and not is_read_only(user=user)  # auditors never write, whatever else they hold
        # The ids kept on the person for the request: My work asks this of each partnership
        # for three sections, a query each time (issue 15).
        and pk in partnership_ids_of(user=user)
    )


def works_cases(*, user: Professional, partnership: Partnership | int) -> bool:
    """A social worker or manager of the partnership's children's social care (not an auditor)."""
    return user.has_role(*WORKER_ROLES) and _social_care_in(user, partnership)


def manages_cases(*, user: Professional, partnership: Partnership | int) -> bool:
    """A social care manager of the partnership: deputy team manager, team manager, head."""
    return user.has_role(*MANAGER_ROLES) and _social_care_in(user, partnership)


def is_head_of_service(*, user: Professional, partnership: Partnership | int) -> bool:
    """R001.14: the Head of Service with whom an ICPC is confirmed."""
    return user.has_role(Role.HEAD_OF_SERVICE) and _social_care_in(user, partnership)


def is_reviewing_service(*, user: Professional, partnership: Partnership | int) -> bool:
    """R001.14: the Reviewing Service, who convene the ICPC once the Head of Service confirms."""
    return user.has_role(Role.REVIEWING_SERVICE) and _social_care_in(user, partnership)


def arranges_conference(*, user: Professional, partnership: Partnership | int) -> bool:
    """Sets the date of an ICPC and records it held: the Reviewing Service who convene it
    (R001.14), or the partnership's social workers and managers on its behalf."""
    return is_reviewing_service(user=user, partnership=partnership) or works_cases(
        user=user, partnership=partnership
    )


def reviewing_service(*, partnership: Partnership | int) -> QuerySet[Professional]:
    """Who convenes the partnership's ICPCs: its active Reviewing Service (R001.14)."""
    pk = partnership if isinstance(partnership, int) else partnership.pk
    return (
        Professional.objects.filter(
            is_active=True,
            agency__kind=AgencyKind.SOCIAL_CARE,
            agency__partnerships=pk,
            role_grants__role=Role.REVIEWING_SERVICE.value,
        )
        .order_by("last_name", "first_name", "pk")
        .distinct()
    )


def partnership_professionals(*, partnership: Partnership) -> QuerySet[Professional]:
    """Active professionals of the partnership's agencies (HRPM attendees, action owners)."""
    return (
        Professional.objects.filter(is_active=True, agency__partnerships=partnership)
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
        .distinct()
    )
