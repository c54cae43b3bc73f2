"""``field__any_of=ids`` (convene.core.any_of): the rows whose key is one of the ids, the same
as ``__in``, sent as one value whatever the number of ids (reporting.scoping's team ids)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q

from convene.core.any_of import Ids
from convene.people.models import Agency, Partnership, Professional
from tests.queries import CaptureQueriesContext


@pytest.mark.django_db
def test_any_of_finds_the_rows_in_finds(
    partnership: Partnership, people: dict[str, Professional]
) -> None:
    ids = sorted(person.pk for person in people.values())[::2]
    everyone = Professional.objects.all()
    assert set(everyone.filter(pk__any_of=ids)) == set(everyone.filter(pk__in=ids))
    agencies = [Agency.objects.order_by("pk").values_list("pk", flat=True).first()]
    # A foreign key, and across a join.
    assert set(everyone.filter(agency__any_of=agencies)) == set(
        everyone.filter(agency__in=agencies)
    )
    assert set(everyone.filter(agency__partnerships__any_of=[partnership.pk])) == set(
        everyone.filter(agency__partnerships__in=[partnership.pk])
    )


@pytest.mark.django_db
def test_any_of_sends_the_ids_as_one_parameter(people: dict[str, Professional]) -> None:
    ids = list(range(1, 40_001))  # more than SQLite takes as placeholders
    _sql, params = Professional.objects.filter(pk__any_of=ids).query.sql_with_params()
    assert len(params) == 1
    assert Professional.objects.filter(pk__any_of=ids).count() == Professional.objects.count()
    # Read once, used by many queries: the same rows.
    assert Professional.objects.filter(pk__any_of=Ids(ids)).count() == Professional.objects.count()


@pytest.mark.django_db
def test_no_ids_is_no_row_and_no_query() -> None:
    with CaptureQueriesContext(connection) as captured:
        assert list(Professional.objects.filter(pk__any_of=[])) == []
    assert len(captured) == 0


def test_any_of_refuses_what_is_not_a_list_of_ids() -> None:
    with pytest.raises(TypeError):
        str(Professional.objects.filter(pk__any_of="12").query)
    with pytest.raises(ValueError, match="twelve"):
        str(Professional.objects.filter(pk__any_of=["twelve"]).query)
    with pytest.raises(TypeError):
        Ids("12")
    assert Ids([3, 1, 3]) == Ids([1, 3])
    assert (Ids([2]) + Ids([1, 2])).values == (1, 2)


@pytest.mark.django_db
def test_gathered_finds_the_rows_in_finds(people: dict[str, Professional]) -> None:
    """``field__gathered=subquery`` (a set read whole first) means ``__in=subquery``, empty,
    ORed and negated alike; on PostgreSQL it is an array built once (an init plan)."""
    everyone = Professional.objects.all()
    for agencies in (Agency.objects.all()[:1], Agency.objects.none(), Agency.objects.all()):
        sub = agencies.values("pk")
        assert set(everyone.filter(agency__gathered=sub)) == set(everyone.filter(agency__in=sub))
        ored = everyone.filter(Q(agency__gathered=sub) | Q(username="alice"))
        assert set(ored) == set(everyone.filter(Q(agency__in=sub) | Q(username="alice")))
        assert set(everyone.exclude(agency__gathered=sub)) == set(everyone.exclude(agency__in=sub))
    sql = str(everyone.filter(agency__gathered=Agency.objects.values("pk")).query)
    expected = "= ANY(ARRAY(SELECT" if connection.vendor == "postgresql" else "IN (SELECT"
    assert expected in sql, sql
