from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from convene.people.factories import ChildFactory, next_test_nhs_number
from convene.people.models import Child

pytestmark = pytest.mark.django_db


def test_a_child_with_an_invalid_nhs_number_is_refused_and_nothing_saved(partnership):
    child = Child(
        partnership=partnership,
        first_name="Ann",
        last_name="Lee",
        date_of_birth=date(2015, 1, 1),
        nhs_number="999 000 0019",
    )
    with pytest.raises(ValidationError) as error:
        child.full_clean()
    assert "check digit" in str(error.value.message_dict["nhs_number"])
    assert not Child.objects.exists()


def test_a_date_of_birth_in_the_future_is_refused(partnership):
    tomorrow = timezone.localdate() + timedelta(days=1)
    child = Child(
        partnership=partnership, first_name="Ann", last_name="Lee", date_of_birth=tomorrow
    )
    with pytest.raises(ValidationError) as error:
        child.full_clean()
    assert error.value.message_dict["date_of_birth"] == [
        "Date of birth must be today or in the past"
    ]


def test_an_unborn_child_needs_an_expected_date_of_delivery(partnership):
    child = Child(partnership=partnership, last_name="Lee")
    with pytest.raises(ValidationError, match="expected date of delivery"):
        child.full_clean()


def test_the_database_refuses_a_child_neither_born_nor_expected(partnership):
    with pytest.raises(IntegrityError), transaction.atomic():
        Child.objects.create(partnership=partnership, last_name="Lee")


def test_an_unborn_child_is_named_for_the_family(partnership):
    child = ChildFactory(partnership=partnership, unborn=True, last_name="Lee")
    child.full_clean()
    assert child.is_unborn
    assert child.full_name == "Unborn baby Lee"


def test_nhs_number_is_unique_within_a_partnership(partnership, neighbour):
    number = next_test_nhs_number()
    ChildFactory(partnership=partnership, nhs_number=number)
    ChildFactory(partnership=neighbour, nhs_number=number)  # another council's record
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildFactory(partnership=partnership, nhs_number=number)


def test_spaces_in_an_nhs_number_are_normalised_on_clean(partnership):
    child = Child(
        partnership=partnership,
        first_name="Ann",
        last_name="Lee",
        date_of_birth=date(2015, 1, 1),
        nhs_number="999 000 0018",
    )
    child.full_clean()
    assert child.nhs_number == "9990000018"
    assert child.nhs_number_display == "999 000 0018"


def test_partnership_refuses_an_unknown_policy(db):
    from convene.people.models import Partnership

    with pytest.raises(ValidationError, match="Unknown procedure policy 'narnia'"):
        Partnership(name="X", local_authority="Y", policy_id="narnia").full_clean()


def test_age_on():
    child = Child(date_of_birth=date(2015, 3, 27))
    assert child.age_on(date(2025, 3, 26)) == 9
    assert child.age_on(date(2025, 3, 27)) == 10
