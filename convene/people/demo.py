"""The synthetic demo partnership, built with bulk inserts (also the seed of scale benchmarks)."""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connections, router, transaction
from django.db.models import Field, Model
from faker import Faker

from convene.people import models, personas
from convene.people.nhs_number import synthetic_series
from convene.people.vocab import LegalStatus

BATCH = 5_000
Row = tuple[int | str | bool, ...]
# An adult, the indexes of their children in the chunk, and how they are related.
Adult = tuple[models.FamilyMember, list[int], models.FamilyRelationship.Relationship]
_RELATIONSHIP_FIELDS = (
    "family_member",
    "child",
    "relationship",
    "parental_responsibility",
    "lives_with_child",
    "alleged_perpetrator",
)
_LEGAL_STATUS_WEIGHTS = {
    LegalStatus.NONE: 70,
    LegalStatus.CHILD_IN_NEED: 14,
    LegalStatus.CHILD_PROTECTION_PLAN: 7,
    LegalStatus.CHILD_IN_CARE: 7,
    LegalStatus.CARE_LEAVER: 2,
}


@dataclass(frozen=True)
class DemoResult:
    partnership: models.Partnership
    password: str
    children_created: int


def _partnerships() -> dict[str, models.Partnership]:
    found = {}
    for name, (authority, policy_id) in personas.PARTNERSHIPS.items():
        partnership, _ = models.Partnership.objects.get_or_create(
            name=name, defaults={"local_authority": authority, "policy_id": policy_id}
        )
        found[name] = partnership
    return found


def _agencies(partnerships: dict[str, models.Partnership]) -> dict[str, models.Agency]:
    found = {}
    for spec in personas.AGENCIES:
        agency, _ = models.Agency.objects.get_or_create(
            name=spec.name,
            defaults={"kind": spec.kind.value, "email": f"{spec.key}@example.org"},
        )
        agency.partnerships.add(*(partnerships[name] for name in spec.partnerships))
        found[spec.key] = agency
    return found


def _people(agencies: dict[str, models.Agency], password: str) -> None:
    hashed = make_password(password)
    for persona in personas.PERSONAS:
        user, _ = models.Professional.objects.update_or_create(
            username=persona.username,
            defaults={
                "first_name": persona.first_name,
                "last_name": persona.last_name,
                "email": f"{persona.username}@example.org",
                "agency": agencies[persona.agency],
                "job_title": persona.job_title,
                "is_staff": persona.staff,
                "is_superuser": persona.staff,
                "password": hashed,
                "is_active": True,
            },
        )
        models.RoleGrant.objects.bulk_create(
            [models.RoleGrant(professional=user, role=role.value) for role in persona.roles],
            ignore_conflicts=True,
        )


def _name_pools(rng_seed: int) -> tuple[list[str], list[str], list[str], list[str]]:
    # Faker is slow per call; sampling from pools keeps 100,000 children inside the target.
    fake = Faker("en_GB")
    fake.seed_instance(rng_seed)
    return (
        [fake.first_name_female() for _ in range(300)],
        [fake.first_name_male() for _ in range(300)],
        [fake.last_name() for _ in range(600)],
        [fake.street_address() for _ in range(800)],
    )


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field.column


def _insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Row]) -> None:
    """Insert rows nobody reads back as objects: one INSERT run for each row (executemany).

    bulk_create makes a model of each row and builds its SQL value by value, which cost
    more than SQLite's insert itself; the links between children and adults are three
    rows in five of the load. Names are the model's own, quoted; every value is a parameter.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def build_children(
    *, partnership: models.Partnership, settings_: list[models.Agency], count: int, seed: int = 2026
) -> int:
    """Create `count` children in families (siblings linked, parents recorded) by bulk insert."""
    rng = random.Random(seed)
    girls, boys, surnames, streets = _name_pools(seed)
    today = date.today()  # noqa: DTZ011 - demo ages only
    start_serial = models.Child.objects.filter(partnership=partnership).count()
    numbers = iter(synthetic_series(count, start=start_serial))
    statuses = list(_LEGAL_STATUS_WEIGHTS)
    weights = list(_LEGAL_STATUS_WEIGHTS.values())
    created = 0
    while created < count:
        chunk = min(BATCH, count - created)
        children: list[models.Child] = []
        families: list[list[int]] = []  # indexes into `children`
        adults: list[Adult] = []
        while len(children) < chunk:
            size = min(rng.choice((1, 1, 2, 2, 3)), chunk - len(children))
            surname = rng.choice(surnames)
            street = (
                f"{rng.choice(streets)}\nRiverside\nRV{rng.randint(1, 9)} {rng.randint(1, 9)}XX"
            )
            members = []
            for _ in range(size):
                girl = rng.random() < 0.5
                unborn = rng.random() < 0.01
                born = None if unborn else today - timedelta(days=rng.randint(30, 17 * 365))
                children.append(
                    models.Child(
                        partnership=partnership,
                        first_name="" if unborn else rng.choice(girls if girl else boys),
                        last_name=surname,
                        date_of_birth=born,
                        expected_date_of_delivery=today + timedelta(days=rng.randint(20, 200))
                        if unborn
                        else None,
                        sex=models.Sex.UNKNOWN
                        if unborn
                        else (models.Sex.FEMALE if girl else models.Sex.MALE),
                        nhs_number="" if unborn else next(numbers),
                        address=street,
                        area="Riverside",
                        setting=rng.choice(settings_) if settings_ and not unborn else None,
                        legal_status=rng.choices(statuses, weights)[0].value,
                    )
                )
                members.append(len(children) - 1)
            families.append(members)
            mother = models.FamilyMember(
                partnership=partnership,
                first_name=rng.choice(girls),
                last_name=surname,
                address=street,
            )
            adults.append((mother, members, models.FamilyRelationship.Relationship.MOTHER))
            if rng.random() < 0.6:
                father = models.FamilyMember(
                    partnership=partnership, first_name=rng.choice(boys), last_name=surname
                )
                adults.append((father, members, models.FamilyRelationship.Relationship.FATHER))
        models.Child.objects.bulk_create(children, batch_size=BATCH)
        models.FamilyMember.objects.bulk_create([a[0] for a in adults], batch_size=BATCH)
        sibling = models.ChildLink.Kind.SIBLING.value
        links = [
            (children[a].pk, children[b].pk, sibling)
            for members in families
            for a in members
            for b in members
            if a != b
        ]
        _insert_rows(models.ChildLink, ("from_child", "to_child", "kind"), links)
        relationships = [
            (
                adult.pk,
                children[index].pk,
                relationship.value,
                True,  # parental responsibility
                relationship == models.FamilyRelationship.Relationship.MOTHER,  # lives with
                rng.random() < 0.05,  # alleged perpetrator
            )
            for adult, members, relationship in adults
            for index in members
        ]
        _insert_rows(models.FamilyRelationship, _RELATIONSHIP_FIELDS, relationships)
        created += len(children)
    return created


@transaction.atomic
def demo_load(*, children: int, password: str | None = None) -> DemoResult:
    """Load (or refresh) the demo partnership; children are only added on the first load.

    Each run sets a fresh password for every persona so it can be printed.
    """
    password = password or secrets.token_urlsafe(12)
    partnerships = _partnerships()
    agencies = _agencies(partnerships)
    _people(agencies, password)
    home = partnerships[personas.HOME]
    created = 0
    if not home.children.exists() and children:
        settings_ = [a for a in agencies.values() if a.kind_enum.is_education]
        created = build_children(partnership=home, settings_=settings_, count=children)
    return DemoResult(partnership=home, password=password, children_created=created)
