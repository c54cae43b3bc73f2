"""Reads of clocks and escalations. Who may see and act on an escalation is decided here, once."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from convene.clocks.models import Clock, Escalation
from convene.core.access import is_read_only
from convene.people.models import Agency, Partnership, Professional
from convene.people.selectors import partnerships_of, sees_whole_caseload
from convene.people.vocab import AgencyKind, Role

__all__ = [
    "ESCALATION_MANAGER_ROLES",
    "REMINDER_ROLES",
    "clocks_visible_to",
    "escalation_may_act",
    "escalations_visible_to",
    "is_social_care_manager",
    "partner_agencies_of",
    "social_care_agencies",
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


def clocks_visible_to(*, user: Professional) -> QuerySet[Clock]:
    """Clocks of the partnerships whose caseload the user works; partners see none yet.

    Partners will see the clocks of what they are invited to once invitations
    exist (the discussions app's selector, joined here).
    """
    if not user.is_active or not sees_whole_caseload(user=user):
        return Clock.objects.none()
    return Clock.objects.filter(partnership__in=partnerships_of(user=user))


def escalations_visible_to(*, user: Professional) -> QuerySet[Escalation]:
    """Social care sees its partnerships' escalations; a partner those it raised or that name it."""
    if not user.is_active or user.agency_id is None:
        return Escalation.objects.none()
    mine = Escalation.objects.filter(partnership__in=partnerships_of(user=user))
    if sees_whole_caseload(user=user):
        return mine
    named = Q(raised_by_agency=user.agency_id) | Q(raised_by=user)
    named_agency = Escalation.objects.filter(addressed_agencies=user.agency_id).values("pk")
    named_person = Escalation.objects.filter(addressed_to=user).values("pk")
    return mine.filter(named | Q(pk__in=named_agency) | Q(pk__in=named_person))


def escalation_may_act(*, user: Professional, escalation: Escalation) -> bool:
    """May ``user`` acknowledge and resolve ``escalation``? The side it is addressed to may.

    Social care managers of the partnership act on every escalation of it (they
    convene, so they answer for all of them); otherwise the people it names and
    the staff of the partner agencies it names, but never the agency that raised it.
    """
    if not user.is_active or user.agency_id is None or is_read_only(user=user):
        return False  # auditors never act, whatever other role they hold
    if is_social_care_manager(user=user, partnership=escalation.partnership):
        return True
    if not escalations_visible_to(user=user).filter(pk=escalation.pk).exists():
        return False
    if escalation.raised_by_agency_id == user.agency_id:
        return False
    if escalation.addressed_to.filter(pk=user.pk).exists():
        return True
    # A partner agency answers as an agency; social care answers through its managers.
    in_social_care = user.agency is not None and user.agency.kind == AgencyKind.SOCIAL_CARE.value
    return not in_social_care and escalation.addressed_agencies.filter(pk=user.agency_id).exists()
