"""GOV.UK error pages: never a stack trace, always the page check."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.pagecheck import check_page

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]


def _checked(response, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert check_page(html) == []
    assert f"<title>{heading}" in html
    assert "Traceback" not in html
    return html


def test_404_is_a_gov_uk_page(client, people):
    client.force_login(people["alice"])
    _checked(client.get("/no-such-page/"), 404, "Page not found")


def test_404_for_a_child_you_may_not_see_is_the_same_page(client, people, partnership):
    from convene.people.factories import ChildFactory

    # A name no page's own words contain (Faker once drew "Page").
    child = ChildFactory(partnership=partnership, last_name="Quillfeather")
    client.force_login(people["carol"])
    html = _checked(client.get(f"/children/{child.pk}/"), 404, "Page not found")
    assert child.last_name not in html


def test_403_explains_why_an_auditor_cannot_change_records(client, people):
    client.force_login(people["ivy"])
    html = _checked(client.post("/test-only/change/"), 403, "You do not have permission to do this")
    assert "Auditors can read records but cannot change them" in html


def test_others_may_use_the_write_route(client, people):
    client.force_login(people["alice"])
    assert client.post("/test-only/change/").content == b"changed"


def test_403_for_the_admin_pages_for_someone_not_an_administrator(client, people):
    client.force_login(people["alice"])
    response = client.get("/admin/", follow=True)
    html = _checked(response, 403, "You do not have permission to do this")
    assert "for partnership administrators" in html


def test_400_is_a_gov_uk_page(client, people):
    client.force_login(people["alice"])
    _checked(
        client.get("/test-only/suspicious/"), 400, "Sorry, there is a problem with the service"
    )


def test_500_never_shows_the_error(client, people):
    client.raise_request_exception = False
    client.force_login(people["alice"])
    html = _checked(
        client.get("/test-only/broken/"), 500, "Sorry, there is a problem with the service"
    )
    assert "secret internal detail" not in html


def test_an_expired_form_gets_a_gov_uk_page(people):
    from tests.conftest import CheckedClient

    client = CheckedClient(enforce_csrf_checks=True)
    client.force_login(people["alice"])
    html = _checked(
        client.post("/account/api-tokens/", {"name": "x"}), 403, "Sorry, this form has expired"
    )
    assert "reload the page" in html


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_an_oversized_request_is_refused_with_a_clear_message(client, people):
    client.force_login(people["alice"])
    html = _checked(
        client.post("/account/api-tokens/", {"name": "x" * 5000}),
        413,
        "The information you sent is too large",
    )
    assert "shorten it" in html


def test_the_real_limit_is_a_megabyte(client, people):
    client.force_login(people["alice"])
    response = client.post("/account/api-tokens/", {"name": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413


def test_too_many_fields_is_refused_the_same_way(client, people):
    client.force_login(people["alice"])
    response = client.post("/account/api-tokens/", {f"f{n}": "x" for n in range(600)})
    assert response.status_code == 413


def test_a_locked_database_gets_a_503_gov_uk_page_not_a_500(client, people):
    """Issue 12 point 10: unavailable or locked → "Sorry, there is a problem" with a 503."""
    client.raise_request_exception = False
    client.force_login(people["alice"])
    response = client.get("/test-only/locked/")
    html = _checked(response, 503, "Sorry, there is a problem with the service")
    assert response["Retry-After"] == "30"
    assert "database is locked" not in html


def test_a_write_the_database_fails_half_way_leaves_nothing_written(client, people, monkeypatch):
    from django.db import OperationalError

    from convene.api import services
    from convene.api.models import ApiToken

    def unavailable(**kwargs):  # the token row is written, then the database goes away
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "audit_record", unavailable)
    client.raise_request_exception = False
    client.force_login(people["alice"])
    response = client.post("/account/api-tokens/", {"name": "Case system"})
    _checked(response, 503, "Sorry, there is a problem with the service")
    assert not ApiToken.objects.exists()
