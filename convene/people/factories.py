"""factory_boy factories for people: used by the tests and by the demo loader.

Everything is synthetic: Faker's en_GB names, NHS numbers from the 999 test range.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import factory
from factory.django import DjangoModelFactory

from convene.people import models
from convene.people.nhs_number import check_digit
from convene.people.vocab import AgencyKind, Role

factory.Faker._DEFAULT_LOCALE = "en_GB"

_nhs_serials = itertools.count(500_000)


def next_test_nhs_number() -> str:
    """A fresh valid 999-range number; the upper half of the range is kept for tests."""
    while True:
        first_nine = f"999{next(_nhs_serials):06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            return f"{first_nine}{digit}"


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = models.Partnership
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Partnership {n}")
    local_authority = factory.LazyAttribute(lambda o: o.name.replace("Partnership", "Council"))
    policy_id = "england"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = models.Agency
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.SOCIAL_CARE.value
    email = factory.LazyAttribute(lambda o: f"{o.name.lower().replace(' ', '.')}@example.org")

    @factory.post_generation
    def partnerships(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.partnerships.set(extracted)


class ProfessionalFactory(DjangoModelFactory):
    class Meta:
        model = models.Professional
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    agency = factory.SubFactory(AgencyFactory)
    job_title = "Professional"
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            models.RoleGrant.objects.bulk_create(
                [models.RoleGrant(professional=self, role=Role(role).value) for role in extracted],
                ignore_conflicts=True,
            )


class _PersonFactory(DjangoModelFactory):
    """A named person of a partnership: a child or a family member."""

    class Meta:
        abstract = True

    partnership = factory.SubFactory(PartnershipFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


class ChildFactory(_PersonFactory):
    class Meta:
        model = models.Child

    date_of_birth = factory.Faker(
        "date_between", start_date=date(2010, 1, 1), end_date=date(2024, 12, 31)
    )
    sex = models.Sex.UNKNOWN
    nhs_number = factory.LazyFunction(next_test_nhs_number)
    first_language = "English"

    class Params:
        unborn = factory.Trait(
            first_name="",
            date_of_birth=None,
            nhs_number="",
            expected_date_of_delivery=factory.LazyFunction(
                lambda: date.today() + timedelta(days=90)  # noqa: DTZ011 - test data only
            ),
        )


class FamilyMemberFactory(_PersonFactory):
    class Meta:
        model = models.FamilyMember


class FamilyRelationshipFactory(DjangoModelFactory):
    class Meta:
        model = models.FamilyRelationship

    family_member = factory.SubFactory(FamilyMemberFactory)
    child = factory.SubFactory(ChildFactory)
    relationship = models.FamilyRelationship.Relationship.MOTHER
    parental_responsibility = True
    lives_with_child = True
