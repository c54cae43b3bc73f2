"""people.selectors.partnership_ids_learn: the partnerships of many people in one query,
the same answers as partnership_ids_of asked person by person."""

import pytest

from convene.people.factories import AgencyFactory, ProfessionalFactory
from convene.people.models import Professional
from convene.people.selectors import partnership_ids_learn, partnership_ids_of

pytestmark = pytest.mark.django_db


def _fresh() -> list[Professional]:
    return list(Professional.objects.order_by("pk"))  # nothing remembered on them yet


def test_one_query_for_everyone_then_none(people, neighbour, django_assert_num_queries):
    ProfessionalFactory(agency=None)  # no agency: no partnership
    expected = {person.pk: partnership_ids_of(user=person) for person in _fresh()}
    assert any(len(ids) == 2 for ids in expected.values())  # the police serve both
    assert [] in expected.values()

    everyone = _fresh()
    with django_assert_num_queries(1):
        partnership_ids_learn(everyone)
    with django_assert_num_queries(0):
        learnt = {person.pk: partnership_ids_of(user=person) for person in everyone}
    assert learnt == expected


def test_nothing_to_learn_costs_nothing(people, django_assert_num_queries):
    everyone = _fresh()
    partnership_ids_learn(everyone)
    with django_assert_num_queries(0):
        partnership_ids_learn(everyone)  # already known
        partnership_ids_learn([])


def test_a_person_moved_to_another_agency_is_read_again(people, neighbour):
    alice = Professional.objects.get(username="alice")
    partnership_ids_learn([alice])
    before = partnership_ids_of(user=alice)
    alice.agency = AgencyFactory(partnerships=[neighbour])
    partnership_ids_learn([alice])
    assert partnership_ids_of(user=alice) == [neighbour.pk] != before
