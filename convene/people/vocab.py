"""The shared vocabulary of the domain: roles, agency kinds, legal statuses.

Plain ``StrEnum``s so the pure policy engine can use them without Django; the
models turn them into ``choices``. One place for each list (the policy packs
are validated against these values).
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import Self, TypeVar


class Labelled(StrEnum):
    """A ``StrEnum`` whose members carry their label: ``DONE = "done", "Done"``.

    The value is the first string (what is stored and compared); ``member.label`` is
    the second (what a page shows). Every vocabulary with labels is written this way,
    so a list and its labels are one table, and ``labels()`` gives the old mapping.
    """

    _value_: str
    _label_: str

    # ``*parts`` rather than (value, label): a member is looked up by its value alone,
    # ``Role("lado")``, and the type checker reads this signature for that call too.
    def __new__(cls, *parts: str) -> Self:
        value, label = parts
        member = str.__new__(cls, value)
        member._value_ = value
        member._label_ = label
        return member

    @property
    def label(self) -> str:
        return self._label_


L = TypeVar("L", bound=Labelled)


def labels(members: Iterable[L]) -> dict[L, str]:
    """Each member's label, in the order they are declared (for ``choices`` and lookups)."""
    return {member: member.label for member in members}


class Role(Labelled):
    """Roles that matter to the procedures; a professional may hold several."""

    TRIAGE_ADVISOR = "triage_advisor", "Triage / front-door advisor"
    SOCIAL_WORKER = "social_worker", "Social worker"
    DEPUTY_TEAM_MANAGER = "deputy_team_manager", "Deputy team manager"
    TEAM_MANAGER = "team_manager", "Team manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    POLICE_OFFICER = "police_officer", "Police officer"
    HEALTH_PROFESSIONAL = "health_professional", "Health professional"
    PAEDIATRICIAN = "paediatrician", "Paediatrician"
    MIDWIFE = "midwife", "Midwife"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_DSL = "school_dsl", "School designated safeguarding lead"
    FOSTER_CARER = "foster_carer", "Foster carer / residential worker"
    CIC_NURSE = "cic_nurse", "Children-in-care nurse"
    LADO = "lado", "Local authority designated officer (LADO)"
    # Convenes and chairs the Initial Child Protection Conference once the Head of
    # Service has confirmed it (R001.14); granted to a professional like any role.
    REVIEWING_SERVICE = (
        "reviewing_service",
        "Reviewing Service (convenes child protection conferences)",
    )
    PARTNERSHIP_ADMIN = "partnership_admin", "Partnership admin"
    AUDITOR = "auditor", "Auditor"


ROLE_LABELS = labels(Role)


class AgencyKind(Labelled):
    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH_ACUTE = "health_acute", "Health: acute trust"
    HEALTH_COMMUNITY = "health_community", "Health: community health"
    HEALTH_GP = "health_gp", "Health: GP"
    SCHOOL = "school", "Education: school"
    NURSERY = "nursery", "Education: nursery"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"

    @property
    def is_health(self) -> bool:
        return self in {AgencyKind.HEALTH_ACUTE, AgencyKind.HEALTH_COMMUNITY, AgencyKind.HEALTH_GP}

    @property
    def is_education(self) -> bool:
        return self in {AgencyKind.SCHOOL, AgencyKind.NURSERY}


AGENCY_KIND_LABELS = labels(AgencyKind)


class LegalStatus(Labelled):
    NONE = "none", "No legal order"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION_PLAN = "child_protection_plan", "Child protection plan"
    CHILD_IN_CARE = "child_in_care", "Child in care"
    CARE_LEAVER = "care_leaver", "Care leaver / relevant young person"


LEGAL_STATUS_LABELS = labels(LegalStatus)


class ConcernCategory(StrEnum):
    """Concern categories of R001.2 and R004.1-2."""

    PHYSICAL = "physical"
    EMOTIONAL = "emotional"
    SEXUAL = "sexual"
    PENETRATIVE_SEXUAL = "penetrative_sexual"
    NEGLECT = "neglect"
    SERIOUS_NEGLECT = "serious_neglect"
    SERIOUS_PHYSICAL_INJURY = "serious_physical_injury"
    FGM = "fgm"
    HONOUR_BASED_ABUSE = "honour_based_abuse"
    RADICALISATION = "radicalisation"
    CSE = "cse"
    CCE = "cce"
    FABRICATED_ILLNESS = "fabricated_illness"
    ORGANISED_ABUSE = "organised_abuse"
    ALLEGATION_AGAINST_STAFF = "allegation_against_staff"
    MISSING_EPISODE = "missing_episode"
    OTHER = "other"


class ExploitationRating(StrEnum):
    """Rating from the exploitation screening tool (R004.7)."""

    NOT_SCREENED = "not_screened"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
