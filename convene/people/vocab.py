"""The shared vocabulary of the domain: roles, agency kinds, legal statuses.

Plain ``StrEnum``s so the pure policy engine can use them without Django; the
models turn them into ``choices``. One place for each list (the policy packs
are validated against these values).
"""

from enum import StrEnum


class Role(StrEnum):
    """Roles that matter to the procedures; a professional may hold several."""

    TRIAGE_ADVISOR = "triage_advisor"
    SOCIAL_WORKER = "social_worker"
    DEPUTY_TEAM_MANAGER = "deputy_team_manager"
    TEAM_MANAGER = "team_manager"
    HEAD_OF_SERVICE = "head_of_service"
    POLICE_OFFICER = "police_officer"
    HEALTH_PROFESSIONAL = "health_professional"
    PAEDIATRICIAN = "paediatrician"
    MIDWIFE = "midwife"
    HEALTH_VISITOR = "health_visitor"
    SCHOOL_DSL = "school_dsl"
    FOSTER_CARER = "foster_carer"
    CIC_NURSE = "cic_nurse"
    LADO = "lado"
    # Convenes and chairs the Initial Child Protection Conference once the Head of
    # Service has confirmed it (R001.14); granted to a professional like any role.
    REVIEWING_SERVICE = "reviewing_service"
    PARTNERSHIP_ADMIN = "partnership_admin"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.TRIAGE_ADVISOR: "Triage / front-door advisor",
    Role.SOCIAL_WORKER: "Social worker",
    Role.DEPUTY_TEAM_MANAGER: "Deputy team manager",
    Role.TEAM_MANAGER: "Team manager",
    Role.HEAD_OF_SERVICE: "Head of service",
    Role.POLICE_OFFICER: "Police officer",
    Role.HEALTH_PROFESSIONAL: "Health professional",
    Role.PAEDIATRICIAN: "Paediatrician",
    Role.MIDWIFE: "Midwife",
    Role.HEALTH_VISITOR: "Health visitor",
    Role.SCHOOL_DSL: "School designated safeguarding lead",
    Role.FOSTER_CARER: "Foster carer / residential worker",
    Role.CIC_NURSE: "Children-in-care nurse",
    Role.LADO: "Local authority designated officer (LADO)",
    Role.REVIEWING_SERVICE: "Reviewing Service (convenes child protection conferences)",
    Role.PARTNERSHIP_ADMIN: "Partnership admin",
    Role.AUDITOR: "Auditor",
}


class AgencyKind(StrEnum):
    SOCIAL_CARE = "social_care"
    POLICE = "police"
    HEALTH_ACUTE = "health_acute"
    HEALTH_COMMUNITY = "health_community"
    HEALTH_GP = "health_gp"
    SCHOOL = "school"
    NURSERY = "nursery"
    PROBATION = "probation"
    HOUSING = "housing"
    VOLUNTARY = "voluntary"
    OTHER = "other"

    @property
    def label(self) -> str:
        return AGENCY_KIND_LABELS[self]

    @property
    def is_health(self) -> bool:
        return self in {AgencyKind.HEALTH_ACUTE, AgencyKind.HEALTH_COMMUNITY, AgencyKind.HEALTH_GP}

    @property
    def is_education(self) -> bool:
        return self in {AgencyKind.SCHOOL, AgencyKind.NURSERY}


AGENCY_KIND_LABELS: dict[AgencyKind, str] = {
    AgencyKind.SOCIAL_CARE: "Children's social care",
    AgencyKind.POLICE: "Police",
    AgencyKind.HEALTH_ACUTE: "Health: acute trust",
    AgencyKind.HEALTH_COMMUNITY: "Health: community health",
    AgencyKind.HEALTH_GP: "Health: GP",
    AgencyKind.SCHOOL: "Education: school",
    AgencyKind.NURSERY: "Education: nursery",
    AgencyKind.PROBATION: "Probation",
    AgencyKind.HOUSING: "Housing",
    AgencyKind.VOLUNTARY: "Voluntary sector",
    AgencyKind.OTHER: "Other",
}


class LegalStatus(StrEnum):
    NONE = "none"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION_PLAN = "child_protection_plan"
    CHILD_IN_CARE = "child_in_care"
    CARE_LEAVER = "care_leaver"

    @property
    def label(self) -> str:
        return LEGAL_STATUS_LABELS[self]


LEGAL_STATUS_LABELS: dict[LegalStatus, str] = {
    LegalStatus.NONE: "No legal order",
    LegalStatus.CHILD_IN_NEED: "Child in need",
    LegalStatus.CHILD_PROTECTION_PLAN: "Child protection plan",
    LegalStatus.CHILD_IN_CARE: "Child in care",
    LegalStatus.CARE_LEAVER: "Care leaver / relevant young person",
}


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
