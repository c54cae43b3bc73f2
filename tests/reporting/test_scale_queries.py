"""The dashboard and both returns cost the same number of queries whatever the data (issue
13, "Speed"): measured over the bench's rows (bench/reporting_data.py, every table the
reports read) for 3 discussions, then again after 27 more."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bench.reporting_data import build
from convene.people.models import Professional
from convene.reporting.access import report_scope
from convene.reporting.periods import Period
from convene.reporting.tables import tables_for
from convene.reporting.views import SUMMARIES
from convene.returns.annex_a import write_annex_a
from convene.returns.cin import CensusYear, write_census
from tests.conftest import CheckedClient
from tests.queries import CaptureQueriesContext

# transaction=True: on PostgreSQL the bench loads by COPY with its foreign keys dropped and
# rebuilt (ALTER TABLE), which a test transaction holding deferred trigger events refuses.
pytestmark = pytest.mark.django_db(transaction=True)
START, END = date(2025, 4, 1), date(2026, 3, 31)
# The year's whole request, every table, with the session, sign-in, navigation and audit
# entry: 31 on SQLite, 32 on PostgreSQL (the tables alone 26 at 1,000,000 discussions).
DASHBOARD_QUERIES = 32


def _queries_and_sizes() -> tuple[dict[str, int], dict[str, int]]:
    hana = Professional.objects.get(username="hana")
    scope = report_scope(user=hana)
    period = Period(START, date(2026, 4, 1), "2025-26")
    builders = tables_for(scope)
    queries, sizes = {}, {}
    for key in SUMMARIES:
        build_table = builders[key]
        assert callable(build_table)
        with CaptureQueriesContext(connection) as captured:
            table = build_table(scope=scope, period=period, user=hana)
        queries[key] = len(captured)
        sizes[key] = sum(cell for row in table.rows for cell in row[1:] if isinstance(cell, int))
    census, annex = BytesIO(), BytesIO()
    with CaptureQueriesContext(connection) as captured:
        sizes["census"] = write_census(
            census, partnership=scope.partnership, year=CensusYear(2026), now=timezone.now()
        )
    queries["census"] = len(captured)
    with CaptureQueriesContext(connection) as captured:
        sizes["annex"] = write_annex_a(annex, partnership=scope.partnership, start=START, end=END)
    queries["annex"] = len(captured)
    queries["dashboard"] = _dashboard_queries(hana)
    return queries, sizes


def _dashboard_queries(user: Professional) -> int:
    """The whole dashboard page for the year, signed in: every query of the request."""
    client = CheckedClient()
    client.force_login(user)
    year = {"period": "dates", "start-day": "1", "start-month": "4", "start-year": "2025"}
    year |= {"end-day": "31", "end-month": "3", "end-year": "2026"}
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("reporting:dashboard"), year).status_code == 200
    return len(captured)


def test_dashboard_and_returns_queries_do_not_grow_with_the_data():
    build(discussions=3, years=1, log=lambda _: None)
    small, small_sizes = _queries_and_sizes()
    build(discussions=27, years=1, seed=14, log=lambda _: None)
    large, large_sizes = _queries_and_sizes()
    assert large == small
    assert large["dashboard"] <= DASHBOARD_QUERIES, large["dashboard"]
    # The data did grow in every table counted, and in both returns.
    grew = {key for key in small_sizes if large_sizes[key] > small_sizes[key]}
    assert grew >= {"timeliness", "attendance", "decisions", "quality", "census", "annex"}
