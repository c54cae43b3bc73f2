"""Free text containing HTML or script is shown as text, never run."""

from __future__ import annotations

import json

import pytest

from convene.api.services import api_token_create
from convene.people.factories import ChildFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def hostile_child(partnership):
    return ChildFactory(
        partnership=partnership,
        first_name=SCRIPT,
        last_name='"><img src=x onerror=alert(2)>',
        address=f"1 High Street\n{SCRIPT}",
    )


def test_home_page_shows_markup_as_text(client, people, hostile_child):
    client.force_login(people["alice"])
    html = client.get("/").content.decode()
    assert SCRIPT not in html
    assert ESCAPED in html
    assert "<img src=x" not in html


def test_search_terms_are_shown_as_text(client, people, hostile_child):
    client.force_login(people["alice"])
    html = client.get("/", {"q": SCRIPT}).content.decode()
    assert SCRIPT not in html
    assert ESCAPED in html


def test_child_page_shows_markup_as_text(client, people, hostile_child):
    client.force_login(people["alice"])
    html = client.get(f"/children/{hostile_child.pk}/").content.decode()
    assert SCRIPT not in html
    assert ESCAPED in html
    assert "<img src=x" not in html


def test_api_returns_markup_as_json_data_that_a_browser_will_not_render(
    client, people, hostile_child
):
    _, raw = api_token_create(user=people["alice"], name="test")
    response = client.get(
        f"/api/children/{hostile_child.pk}", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert json.loads(response.content)["first_name"] == SCRIPT


def test_token_names_are_shown_as_text(client, people):
    client.force_login(people["alice"])
    created = client.post("/account/api-tokens/", {"name": SCRIPT}).content.decode()
    listed = client.get("/account/api-tokens/").content.decode()
    for html in (created, listed):
        assert SCRIPT not in html
        assert ESCAPED in html


def test_who_has_looked_shows_names_as_text(client, people, hostile_child):
    alice = people["alice"]
    alice.first_name = SCRIPT
    alice.save()
    client.force_login(alice)
    html = client.get(f"/children/{hostile_child.pk}/").content.decode()
    assert SCRIPT not in html


def test_a_nul_in_a_search_is_harmless(client, people, hostile_child):
    # PostgreSQL cannot compare text containing NUL; the search drops it.
    client.force_login(people["alice"])
    assert client.get("/", {"q": "\x00Smi\x00th"}).status_code == 200
