"""On the demo, every report and both returns have something to show (issue 13, "Done when":
the demo holds a year or more of history so that every report is meaningful).

Over the last 12 months, each table of the dashboard and of the lists a head of service
sees has rows, and the figures are not all nought; the census of the year in progress and
List 5 of the last 12 months hold Section 47 enquiries with conferences held, "ICPC not
required" and an allocated worker on every row.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from convene.people.models import Professional
from convene.reporting.access import report_scope
from convene.reporting.periods import Period
from convene.reporting.tables import tables_for
from convene.returns.annex_a import annex_a_rows
from convene.returns.cin import CensusYear, census_xml
from convene.returns.forms import census_year_of
from convene.workdays import london_date

pytestmark = pytest.mark.django_db


def test_every_report_and_both_returns_have_rows_on_the_demo():
    call_command("demo", children=60, quiet_logins=True)  # the default history, 40 cases
    now = timezone.now()
    today = london_date(now)
    year = Period(today - timedelta(days=365), today + timedelta(days=1), "Last 12 months")
    hana = Professional.objects.get(username="hana")
    scope = report_scope(user=hana)
    empty = []
    for key, build in tables_for(scope).items():
        table = build(scope=scope, period=year, user=hana, now=now, today=today)
        figures = [c for row in table.rows for c in row[1:] if isinstance(c, int | float)]
        if not table.rows or (table.numeric and figures and not any(figures)):
            empty.append(key)
    assert empty == []

    xml = census_xml(partnership=scope.partnership, year=CensusYear(census_year_of(today)), now=now)
    assert xml.count(b"<Section47>") >= 1
    rows = annex_a_rows(partnership=scope.partnership, start=year.start, end=today)
    assert rows
    assert any(row[8] for row in rows)  # a conference held
    assert any(row[7] == "Yes" for row in rows)  # an ICPC deemed unnecessary
    assert all(row[13] for row in rows)  # every enquiry's allocated worker
