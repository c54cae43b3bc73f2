"""The Returns page (issue 13): choose the census year or a period, download, audited as an
export; bad input is an error on the page and nothing is downloaded; Annex A's allocated team
and worker come from the allocation the enquiry holds or inherits."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from convene.allocation.models import Team
from convene.allocation.selectors import current_for
from convene.allocation.services import allocation_change
from convene.audit.models import Action as AuditAction
from convene.audit.models import AuditEntry
from convene.returns.annex_a import COLUMNS, annex_a_rows
from tests.followup.conftest import london

pytestmark = pytest.mark.django_db

RETURNS = reverse("returns:index")
NOW = london(2026, 11, 2, 10, 0)
LIST_5 = {
    "which": "annex-a",
    "start-day": "1",
    "start-month": "4",
    "start-year": "2026",
    "end-day": "31",
    "end-month": "3",
    "end-year": "2027",
}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def two_enquiries(enquiry, people, partnership):
    """One enquiry allocated to Alice in the duty team itself; one inheriting its referral's."""
    team = Team.objects.create(partnership=partnership, name="Duty and assessment team")
    team.members.add(people["alice"], people["bob"])
    own = enquiry(held_at=london(2026, 5, 6, 13, 0))
    allocation_change(
        subject=own,
        social_worker=people["alice"],
        team=team,
        reason="Knows the family",
        by=people["bob"],
        now=london(2026, 5, 7, 9, 0),
    )
    inherits = enquiry(held_at=london(2026, 6, 3, 13, 0))
    return own, inherits


def _exports(user):
    return list(AuditEntry.objects.filter(actor=user, action=AuditAction.EXPORT))


def test_the_page_offers_both_returns_and_the_reports_link_to_it(client, people):
    client.force_login(people["hana"])
    page = client.get(RETURNS).content.decode()
    assert "Children in need census" in page
    assert 'value="2027"' in page  # the census year in progress, filled in
    assert "Annex A" in page
    assert RETURNS in client.get(reverse("reporting:dashboard")).content.decode()


def test_the_census_downloads_and_is_audited_as_an_export(client, people, two_enquiries):
    client.force_login(people["ivy"])
    response = client.get(RETURNS, {"which": "cin-census", "year": "2027"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cin-census-2027.xml"'
    assert response.content.count(b"<Child>") == 2
    (entry,) = _exports(people["ivy"])
    assert "census 2026 to 2027" in entry.summary
    assert "2 children" in entry.summary


def test_list_5_names_the_allocated_team_and_worker(client, people, two_enquiries):
    client.force_login(people["bob"])
    response = client.get(RETURNS, LIST_5)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    team_at, worker_at = COLUMNS.index("Allocated team"), COLUMNS.index("Allocated worker")
    own, inherits = rows[1], rows[2]
    assert (own[team_at], own[worker_at]) == (
        "Duty and assessment team",
        people["alice"].get_full_name(),
    )
    # No allocation of its own: the one it inherits (its referral's, from triage).
    inherited = current_for(subject=two_enquiries[1])
    assert inherited is not None
    assert inherited.s47_enquiry_id is None
    assert inherits[worker_at] == inherited.social_worker.get_full_name()
    (entry,) = _exports(people["bob"])
    assert "Annex A" in entry.summary
    assert "2 rows" in entry.summary


def test_annex_a_reads_allocations_in_a_fixed_number_of_queries(
    people, partnership, two_enquiries, enquiry, django_assert_max_num_queries
):
    for day in (8, 9, 10):
        enquiry(held_at=london(2026, 7, day, 13, 0))
    from django.db import connection

    from tests.queries import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rows = annex_a_rows(
            partnership=partnership, start=NOW.date() - timedelta(days=365), end=NOW.date()
        )
    assert len(rows) == 5
    # The enquiries and the allocations; besides them only the transaction the stream is
    # read in (a savepoint, and on PostgreSQL its cursor_tuple_fraction set and restored:
    # returns.streaming, core.plans).
    reads = [
        q["sql"]
        for q in queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE")) and "set_config(" not in q["sql"]
    ]
    assert len(reads) == 2, reads


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"which": "cin-census", "year": "1999"}, "Enter a census year from 2015 to 2027"),
        ({"which": "cin-census", "year": "2028"}, "Enter a census year from 2015 to 2027"),
        ({"which": "cin-census", "year": "27"}, "Enter the year as 4 numbers"),
        ({"which": "cin-census", "year": ""}, "Enter the census year"),
        (LIST_5 | {"end-year": "2025"}, "The last day must be the same as or after the first day"),
        (LIST_5 | {"start-day": "31", "start-month": "2"}, "must be a real date"),
        (LIST_5 | {"end-year": "2032"}, "Choose a period of 5 years or less"),
    ],
)
def test_bad_input_is_an_error_and_nothing_is_downloaded(client, people, data, message):
    client.force_login(people["hana"])
    response = client.get(RETURNS, data)
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert _exports(people["hana"]) == []


@pytest.mark.parametrize("name", ["alice", "carol", "lee"])
def test_social_workers_and_partners_are_refused(client, people, name):
    client.force_login(people[name])
    assert client.get(RETURNS, {"which": "cin-census", "year": "2027"}).status_code == 403
    assert _exports(people[name]) == []
