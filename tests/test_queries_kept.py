"""``tests.queries.CaptureQueriesContext`` keeps its queries after the next request."""

from __future__ import annotations

import pytest
from django.db import connection, reset_queries

from convene.people.models import Professional
from tests.queries import CaptureQueriesContext


@pytest.mark.django_db
def test_what_was_captured_outlives_the_log_being_cleared() -> None:
    with CaptureQueriesContext(connection) as captured:
        Professional.objects.filter(username="nobody").exists()
    reset_queries()  # what every request the test client makes does first
    Professional.objects.count()
    assert len(captured) == 1
    kept = captured.captured_queries[0]["sql"]
    assert "people_professional" in kept
    assert "COUNT" not in kept  # Django's would now read the later query in its place
