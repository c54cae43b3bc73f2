"""The follow-through API's S47 list at any size (issue 15): newest first, a cursor
(``?before=``), a ``Link: …; rel="next"`` header, a maximum page size, and the same number
of queries for one enquiry as for several (the shared ``keyset_page``)."""

from __future__ import annotations

import pytest
from django.db import connection

from convene.api.services import api_token_create
from tests.api.conftest import bearer
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

PATH = "/api/followup/s47/"


def _queries(client, path: str, headers: dict[str, str]) -> int:
    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, headers=headers).status_code == 200
    return len(captured.captured_queries)


def test_s47_enquiries_are_listed_newest_first_a_page_at_a_time(client, enquiry, people):
    made = [enquiry().pk]
    headers = bearer(api_token_create(user=people["bob"], name="case system")[1])
    one = _queries(client, PATH, headers)
    made += [enquiry().pk for _ in range(2)]
    # Constant: the child and the ICPC come joined, not a query per row.
    assert _queries(client, PATH, headers) == one

    first = client.get(f"{PATH}?limit=2", headers=headers)
    assert [e["id"] for e in first.json()] == [made[2], made[1]]
    assert first["Link"] == f'<{PATH}?limit=2&before={made[1]}>; rel="next"'
    second = client.get(f"{PATH}?limit=2&before={made[1]}", headers=headers)
    assert [e["id"] for e in second.json()] == [made[0]]
    assert "Link" not in second
    # The page size has a maximum; a bad cursor is a clear 422, never a 500.
    assert client.get(f"{PATH}?limit=501", headers=headers).status_code == 422
    assert client.get(f"{PATH}?before=x", headers=headers).status_code == 422
    assert client.get(f"{PATH}?before=0", headers=headers).status_code == 422


def test_the_cursor_keeps_the_filter(client, enquiry, people):
    made = [enquiry().pk for _ in range(2)]
    headers = bearer(api_token_create(user=people["bob"], name="case system")[1])
    first = client.get(f"{PATH}?include_closed=true&limit=1", headers=headers)
    assert first["Link"] == (f'<{PATH}?include_closed=true&limit=1&before={made[1]}>; rel="next"')
