"""A partner agency downloads its own agency's attendance only (issue 13, "Who sees what"):
the XLSX a police officer downloads has the police's line and no other agency's, where the
team manager's has both agencies that attended; each download is one export in the audit
log, saying which table and format."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from convene.audit.models import Action as AuditAction
from convene.audit.models import AuditEntry
from tests.reporting.test_quality import records  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

MARCH = {
    "period": "dates",
    "start-day": "1",
    "start-month": "3",
    "start-year": "2026",
    "end-day": "31",
    "end-month": "3",
    "end-year": "2026",
}
URL = reverse("reporting:download", args=["attendance", "xlsx"])


def _agencies(client, person, **extra: str) -> list[tuple[object, ...]]:
    client.force_login(person)
    response = client.get(URL, {**MARCH, **extra})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Agency", "Kind", "Attended", "Sent apologies", "Did not attend")
    return rows[1:]


def test_a_partner_downloads_their_own_agencys_attendance_only(client, people, records):  # noqa: F811
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT)
    before = {name: exports.filter(actor=people[name]).count() for name in ("bob", "carol")}
    police = people["carol"].agency.name
    health = people["dev"].agency.name
    whole = {row[0]: row for row in _agencies(client, people["bob"])}
    assert {police, health} <= set(whole)
    assert whole[police][2] == 2  # attended both discussions (hand-counted: test_quality.py)
    # Carol's police force serves two partnerships: she chooses this one.
    partnership = str(records[0].discussion.partnership_id)
    mine = _agencies(client, people["carol"], partnership=partnership)
    assert mine == [whole[police]]
    for name in ("bob", "carol"):
        assert exports.filter(actor=people[name]).count() == before[name] + 1
    assert "XLSX" in exports.filter(actor=people["carol"]).latest("sequence").summary
