from datetime import date

import pytest
from django.db import connection

from convene.audit.models import AuditEntry
from convene.core import pagination
from convene.people.factories import ChildFactory
from tests.totp import code_for, confirmed_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(partnership, neighbour):
    return {
        "ann": ChildFactory(
            partnership=partnership,
            first_name="Ann",
            last_name="Smith",
            date_of_birth=date(2015, 3, 27),
            nhs_number="9990000018",
        ),
        "ben": ChildFactory(
            partnership=partnership,
            first_name="Ben",
            last_name="Jones",
            date_of_birth=date(2012, 6, 1),
        ),
        "other": ChildFactory(
            partnership=neighbour,
            first_name="Ann",
            last_name="Smith",
            date_of_birth=date(2015, 3, 27),
        ),
    }


def test_sign_in_page_renders_for_anonymous_visitors(client):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_home_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_a_wrong_password_shows_an_error_page(client, people):
    response = client.post("/sign-in/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"<title>Error: Sign in" in response.content


def test_sign_in_then_see_home(client, people):
    device = confirmed_device(people["alice"])
    client.post("/sign-in/", {"username": "alice", "password": "correct horse battery staple"})
    response = client.post("/sign-in/code/", {"code": code_for(device)}, follow=True)
    assert response.status_code == 200
    assert b"Children" in response.content
    assert b"Convene" in response.content
    assert b"Skip to main content" in response.content
    assert b"govuk-phase-banner" in response.content
    assert b"govuk-footer" in response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Smith", {"Ann Smith"}),
        ("ann", {"Ann Smith"}),
        ("Ben Jones", {"Ben Jones"}),
        ("27/03/2015", {"Ann Smith"}),
        ("2015-03-27", {"Ann Smith"}),
        ("999 000 0018", {"Ann Smith"}),
        ("9990000019", set()),  # a bad check digit finds nobody, it does not error
        ("Nobody", set()),
    ],
)
def test_social_worker_searches_their_partnership_only(client, people, children, query, expected):
    client.force_login(people["alice"])
    response = client.get("/", {"q": query})
    assert response.status_code == 200
    names = {child.full_name for child in response.context["page"].object_list}
    assert names == expected
    # Northvale's Ann Smith never appears to a Riverside social worker.
    assert children["other"] not in response.context["page"].object_list


def test_home_queries_do_not_grow_with_the_caseload(
    client, people, children, partnership, django_assert_max_num_queries
):
    ChildFactory.create_batch(30, partnership=partnership)
    client.force_login(people["bob"])
    # A fixed cost per page: session, user, two-factor device, roles, agency, count,
    # page, unread notifications, the audit entry (4 with its savepoint; 5 on
    # PostgreSQL with its advisory lock) and the session save; and for the list's walk of
    # the name index (issue 15), the partnership ids and whether bob is invited often (asked
    # once per request, discussions.selectors.invited_often): 17 on SQLite, 18 on PostgreSQL.
    with django_assert_max_num_queries(17 if connection.vendor == "sqlite" else 18):
        response = client.get("/")
    assert response.context["page"].paginator.count == 32
    assert len(response.context["page"].object_list) == 25


@pytest.mark.parametrize("username", ["carol", "dev", "erin", "ursula"])
def test_partner_agencies_see_no_children_until_invited(client, people, children, username):
    client.force_login(people[username])
    response = client.get("/")
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert client.get(f"/children/{children['ann'].pk}/").status_code == 404


def test_child_page_shows_the_record(client, people, children):
    client.force_login(people["alice"])
    response = client.get(f"/children/{children['ann'].pk}/")
    assert response.status_code == 200
    assert b"999 000 0018" in response.content


def test_a_child_of_another_partnership_is_not_found(client, people, children):
    client.force_login(people["alice"])
    assert client.get(f"/children/{children['other'].pk}/").status_code == 404


def test_a_very_long_query_is_cut_not_an_error(client, people, children):
    client.force_login(people["alice"])
    response = client.get("/", {"q": "x" * 5000})
    assert response.status_code == 200


def test_home_never_counts_the_whole_caseload(client, people, children, partnership, monkeypatch):
    """Issue 15: beyond the cap the page says "more than", and the count stops at the cap."""
    monkeypatch.setattr(pagination, "COUNT_CAP", 10)
    ChildFactory.create_batch(30, partnership=partnership)
    client.force_login(people["bob"])
    response = client.get("/")
    assert response.context["page"].paginator.count == 11
    page = response.content.decode()
    assert "More than 10 children" in page
    assert "more than 10 found" in AuditEntry.objects.latest("pk").summary
