"""The demo partnership's agencies and people: one definition for the demo and the tests.

Two partnerships share one police force, as happens in England, so that need-to-know
rules can be tried across a partnership boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

from convene.people.vocab import AgencyKind, Role

HOME = "Riverside Safeguarding Children Partnership"
NEIGHBOUR = "Northvale Safeguarding Children Partnership"


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    kind: AgencyKind
    partnerships: tuple[str, ...] = (HOME,)


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    agency: str
    job_title: str
    roles: tuple[Role, ...]
    staff: bool = False


PARTNERSHIPS: dict[str, tuple[str, str]] = {
    # name: (local authority, policy id)
    HOME: ("Riverside Borough Council", "halton"),
    NEIGHBOUR: ("Northvale County Council", "gloucestershire"),
}

AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec("csc", "Riverside Children's Social Care", AgencyKind.SOCIAL_CARE),
    AgencySpec("police", "Shire Constabulary", AgencyKind.POLICE, (HOME, NEIGHBOUR)),
    AgencySpec("acute", "Riverside Hospitals NHS Trust", AgencyKind.HEALTH_ACUTE),
    AgencySpec("community", "Riverside Community Health", AgencyKind.HEALTH_COMMUNITY),
    AgencySpec("gp", "Riverside Medical Practice", AgencyKind.HEALTH_GP),
    AgencySpec("primary", "Riverside Primary School", AgencyKind.SCHOOL),
    AgencySpec("academy", "Riverside Academy", AgencyKind.SCHOOL),
    AgencySpec("nursery", "Little Acorns Nursery", AgencyKind.NURSERY),
    AgencySpec("probation", "Riverside Probation Delivery Unit", AgencyKind.PROBATION),
    AgencySpec("housing", "Riverside Homes", AgencyKind.HOUSING),
    AgencySpec("voluntary", "Riverside Family Support Trust", AgencyKind.VOLUNTARY),
    AgencySpec(
        "northvale_csc", "Northvale Children's Social Care", AgencyKind.SOCIAL_CARE, (NEIGHBOUR,)
    ),
)

PERSONAS: tuple[Persona, ...] = (
    Persona("alice", "Alice", "Ashworth", "csc", "Social worker", (Role.SOCIAL_WORKER,)),
    Persona("bob", "Bob", "Bennett", "csc", "Team manager", (Role.TEAM_MANAGER,)),
    Persona("dina", "Dina", "Desai", "csc", "Deputy team manager", (Role.DEPUTY_TEAM_MANAGER,)),
    Persona("hana", "Hana", "Hughes", "csc", "Head of service", (Role.HEAD_OF_SERVICE,)),
    Persona("tom", "Tom", "Turner", "csc", "Front door advisor", (Role.TRIAGE_ADVISOR,)),
    Persona("carol", "Carol", "Clarke", "police", "Detective constable", (Role.POLICE_OFFICER,)),
    Persona("dev", "Dev", "Dhillon", "community", "Named nurse", (Role.HEALTH_PROFESSIONAL,)),
    Persona("priya", "Priya", "Patel", "acute", "Consultant paediatrician", (Role.PAEDIATRICIAN,)),
    Persona("mia", "Mia", "Morgan", "community", "Midwife", (Role.MIDWIFE,)),
    Persona("hal", "Hal", "Harris", "community", "Health visitor", (Role.HEALTH_VISITOR,)),
    Persona("erin", "Erin", "Evans", "primary", "Designated safeguarding lead", (Role.SCHOOL_DSL,)),
    Persona("fay", "Fay", "Foster", "voluntary", "Residential worker", (Role.FOSTER_CARER,)),
    Persona("nia", "Nia", "Nolan", "community", "Children in care nurse", (Role.CIC_NURSE,)),
    Persona("lee", "Lee", "Lawson", "csc", "LADO", (Role.LADO,)),
    Persona("ursula", "Ursula", "Upton", "housing", "Tenancy officer", ()),
    Persona("nick", "Nick", "Newman", "northvale_csc", "Social worker", (Role.SOCIAL_WORKER,)),
    Persona("ivy", "Ivy", "Irwin", "csc", "Quality assurance auditor", (Role.AUDITOR,)),
    Persona(
        "admin",
        "Ada",
        "Admin",
        "csc",
        "Partnership administrator",
        (Role.PARTNERSHIP_ADMIN,),
        staff=True,
    ),
)
