"""A selector's query is remembered on the person object it was built for (issue 15):
built once per object and identity, never shared between people, handed out as a clone,
and still lazy SQL, so it never goes stale as records change. Kept for the process too, for
the person's next object, only while what it was built from is the same."""

from typing import Any

import pytest
from django.db.models import QuerySet

from convene.core import selector_memo
from convene.core.selector_memo import (
    remembered_answer,
    remembered_per_person,
)
from convene.people.models import Partnership, Professional
from convene.people.selectors import partnership_ids_of, partnerships_of
from convene.people.vocab import Role
from convene.referrals.selectors import referrals_visible_to
from tests.convening import make_referral

pytestmark = pytest.mark.django_db

built: list[int] = []


@remembered_per_person
def _counted(*, user: Any) -> QuerySet[Partnership]:
    built.append(user.pk)
    return partnerships_of(user=user)


def _next_request(person: Professional) -> Professional:
    """The person as the next request's page has them: a new object, their agency read."""
    return Professional.objects.select_related("agency").get(pk=person.pk)


@pytest.fixture(autouse=True)
def _fresh_count(monkeypatch) -> None:
    built.clear()
    monkeypatch.setattr(selector_memo, "_shared", {})  # what earlier tests kept


def test_built_once_per_person_object_and_handed_out_as_a_clone(people):
    bob = people["bob"]
    first, second = _counted(user=bob), _counted(user=bob)
    assert built == [bob.pk]
    assert first is not second
    assert str(first.query) == str(second.query)


def test_kept_for_the_persons_next_object_never_for_another_person(people):
    bob, carol = people["bob"], people["carol"]
    first = _counted(user=bob)
    _counted(user=carol)
    again = _counted(user=_next_request(bob))  # the next request's object
    assert built == [bob.pk, carol.pk]
    assert str(again.query) == str(first.query)


@remembered_per_person
def _looked_up(*, user: Any) -> QuerySet[Partnership]:
    built.append(user.pk)
    first = Partnership.objects.order_by("pk").values_list("pk", flat=True).first()
    return Partnership.objects.filter(pk=first)


@remembered_per_person
def _nesting_a_look_up(*, user: Any) -> QuerySet[Partnership]:
    built.append(-user.pk)
    return Partnership.objects.filter(pk__in=_looked_up(user=user).values("pk"))


def test_a_query_whose_build_read_the_database_is_kept_on_its_object_only(people):
    """A value looked up while building is frozen into the query: never kept for the next
    request, nor is a query that nests it, even when the nested one was built before."""
    bob = people["bob"]
    _looked_up(user=bob)
    _nesting_a_look_up(user=bob)  # its nested query already built on this object
    _looked_up(user=bob)
    again = _next_request(bob)
    _nesting_a_look_up(user=again)
    assert built == [bob.pk, -bob.pk, -bob.pk, bob.pk]


@remembered_per_person
def _of_partnership_ids(*, user: Any) -> QuerySet[Partnership]:
    built.append(user.pk)
    return Partnership.objects.filter(pk__in=partnership_ids_of(user=user))


def test_a_query_kept_for_the_process_is_built_afresh_when_its_reads_change(people, agencies):
    from convene.people.factories import PartnershipFactory

    bob = people["bob"]
    before = set(_of_partnership_ids(user=bob))
    assert set(_of_partnership_ids(user=_next_request(bob))) == before
    assert built == [bob.pk]
    joined = PartnershipFactory()
    joined.agencies.add(bob.agency)
    after = set(_of_partnership_ids(user=_next_request(bob)))
    assert after == before | {joined}
    assert built == [bob.pk, bob.pk]


def test_a_remembered_answer_is_a_read_of_the_query_built_from_it(people):
    answers = iter([1, 1, 2])

    def question(user: Any) -> int:
        return next(answers)

    @remembered_per_person
    def answered(*, user: Any) -> QuerySet[Partnership]:
        built.append(user.pk)
        return Partnership.objects.filter(pk=remembered_answer(user, question))

    bob = people["bob"]
    first = answered(user=bob)
    assert str(answered(user=_next_request(bob)).query) == str(first.query)
    changed = answered(user=_next_request(bob))
    assert built == [bob.pk, bob.pk]
    assert str(changed.query) != str(first.query)


@pytest.mark.parametrize(
    "change",
    [
        lambda person: setattr(person, "is_active", False),
        lambda person: setattr(person, "agency_id", None),
        lambda person: setattr(person, "_role_set", frozenset({Role.SOCIAL_WORKER})),
    ],
    ids=["deactivated", "agency", "roles"],
)
def test_a_change_to_what_the_selectors_read_builds_afresh(people, change):
    bob = people["bob"]
    _counted(user=bob)
    change(bob)
    _counted(user=bob)
    assert built == [bob.pk, bob.pk]


def test_the_remembered_query_is_lazy_and_never_filled_by_a_caller(people, partnership, agencies):
    bob = people["bob"]
    assert list(referrals_visible_to(user=bob)) == []
    referral = make_referral(people=people, partnership=partnership, agencies=agencies)
    # Evaluated once above, narrowed below: the remembered query still asks the database.
    assert list(referrals_visible_to(user=bob).filter(pk=referral.pk)) == [referral]
    assert list(referrals_visible_to(user=bob)) == [referral]


def test_a_person_who_loses_the_caseload_role_stops_seeing_it(people, partnership, agencies):
    referral = make_referral(people=people, partnership=partnership, agencies=agencies)
    bob = people["bob"]
    assert referrals_visible_to(user=bob).filter(pk=referral.pk).exists()
    bob._role_set = frozenset()
    assert not referrals_visible_to(user=bob).filter(pk=referral.pk).exists()


def test_each_set_of_options_is_its_own_query(people):
    """``discussions_visible_to(per_row=True)`` is another query of the same rows: the two
    are remembered apart, and each is built once."""
    from convene.discussions.selectors import discussions_visible_to

    bob = people["bob"]
    hashed, walked = (
        discussions_visible_to(user=bob),
        discussions_visible_to(user=bob, per_row=True),
    )
    assert str(hashed.query) != str(walked.query)
    assert str(discussions_visible_to(user=bob, per_row=True).query) == str(walked.query)
    assert set(hashed.values_list("pk", flat=True)) == set(walked.values_list("pk", flat=True))


def test_a_signed_out_visitor_gets_the_empty_answer_not_an_error(people, partnership, agencies):
    """``AnonymousUser`` has no agency and no roles: the memo's key reads them with a
    default, so a selector asked for the signed-out answers (nothing) instead of raising."""
    from django.contrib.auth.models import AnonymousUser

    from convene.discussions.selectors import discussions_visible_to

    make_referral(people=people, partnership=partnership, agencies=agencies)
    visitor = AnonymousUser()
    assert list(referrals_visible_to(user=visitor)) == []
    assert list(discussions_visible_to(user=visitor)) == []
    _counted_signed_out(user=visitor)
    _counted_signed_out(user=visitor)
    assert built == [None]  # remembered on the visitor's object like anyone's


@remembered_per_person
def _counted_signed_out(*, user: Any) -> QuerySet[Partnership]:
    built.append(user.pk)
    return Partnership.objects.none()


def test_the_partnerships_of_the_signed_out_are_none_without_a_query(
    django_assert_num_queries,
):
    """``partnerships_of`` and ``partnership_ids_of`` read the agency with ``getattr``:
    ``AnonymousUser`` has none, so no partnership (and no query), not an ``AttributeError``."""
    from django.contrib.auth.models import AnonymousUser

    from convene.people.selectors import partnership_ids_of

    visitor = AnonymousUser()
    with django_assert_num_queries(0):
        assert list(partnerships_of(user=visitor)) == []
        assert partnership_ids_of(user=visitor) == []


def test_invited_often_is_asked_once_per_person_object(people, django_assert_num_queries):
    """The children list's plan hint (``discussions.selectors.invited_often``): one count per
    request's person object, asked again for the next request's object; none signed out."""
    from django.contrib.auth.models import AnonymousUser

    from convene.discussions.selectors import invited_often

    bob, carol = people["bob"], people["carol"]
    _ = bob.role_set, carol.role_set  # read by every page first (and by the memo's identity)
    with django_assert_num_queries(1):
        assert invited_often(bob) is False
        assert invited_often(bob) is False
    with django_assert_num_queries(1):
        invited_often(carol)
    with django_assert_num_queries(0):
        assert invited_often(AnonymousUser()) is False


def test_a_remembered_answer_follows_the_persons_identity(people):
    from convene.core.selector_memo import remembered_answer

    asked: list[int] = []

    def question(user: Any) -> int:
        asked.append(user.pk)
        return len(asked)

    bob = people["bob"]
    assert remembered_answer(bob, question) == remembered_answer(bob, question) == 1
    bob.is_active = False  # what the selectors read changed: asked afresh
    assert remembered_answer(bob, question) == 2
    assert asked == [bob.pk, bob.pk]
