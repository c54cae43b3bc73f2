"""Drift (issue 13): S47 enquiries past 15 working days with no conference date (the
census's 8675Q, ``followup.census.s47_drifting``), records not distributed and outcome
notices not sent, each row linking to the case.

The enquiry's discussion is held on Thursday 2 April 2026, before Easter: Good Friday (3rd)
and Easter Monday (6th) are bank holidays, so its 15th working day is Monday 27 April. It is
not drifting that evening, and is from Tuesday 28 April.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from convene.allocation.models import Team
from convene.allocation.services import allocation_change
from convene.audit.models import Action as AuditAction
from convene.audit.models import AuditEntry
from convene.policy.vocab import ClockKind
from convene.reporting.access import report_scope
from convene.reporting.selectors import drift_counts, drifting_s47s
from convene.workdays.timescales import end_of_day
from tests.clocks.helpers import make_clock
from tests.followup.conftest import london

pytestmark = pytest.mark.django_db
DRIFT = reverse("reporting:drift")
HELD = london(2026, 4, 2, 13, 0)


@pytest.mark.parametrize(
    ("now", "drifting"),
    [
        (london(2026, 4, 27, 18, 0), False),  # exactly 15 working days, over Easter
        (london(2026, 4, 28, 9, 0), True),
    ],
)
def test_an_s47_with_no_conference_date_drifts_after_15_working_days(
    enquiry, people, now, drifting
):
    started = enquiry(held_at=HELD)
    scope = report_scope(user=people["hana"])
    assert (list(drifting_s47s(user=people["hana"], scope=scope, now=now)) == [started]) is drifting


def test_the_drift_page_lists_and_links_each_row(
    client, people, partnership, enquiry, referral_for
):
    started = enquiry(held_at=HELD)
    referral = referral_for()
    for kind in (ClockKind.RECORD_DISTRIBUTED, ClockKind.OUTCOME_NOTIFIED):
        make_clock(
            partnership,
            started_at=london(2026, 4, 20, 9),
            due_at=end_of_day(london(2026, 4, 21).date()),
            kind=kind,
            subject=referral,
            summary=f"{kind.value} within 1 working day",
        )
    with time_machine.travel(london(2026, 4, 28, 9, 0), tick=False):
        scope = report_scope(user=people["hana"])
        counts = drift_counts(user=people["hana"], scope=scope, now=london(2026, 4, 28, 9, 0))
        # Each: the clock made here, and the enquiry's own discussion's (authorised on
        # 2 April, never distributed nor its outcome sent).
        assert counts[:2] == [
            ("record_distributed", "Records not distributed", 2),
            ("outcome_notified", "Outcome notices not sent", 2),
        ]
        client.force_login(people["hana"])
        page = client.get(DRIFT).content.decode()
        filtered = client.get(DRIFT, {"kind": "record_distributed"}).content.decode()
    assert reverse("followup:s47", args=[started.pk]) in page
    assert started.child.full_name in page
    assert "Records not distributed: 2" in page
    assert "Outcome notices not sent: 2" in page
    assert referral.get_absolute_url() in filtered
    assert "outcome_notified within 1 working day" not in filtered


def test_a_partner_sees_no_s47_list(client, people, enquiry):
    enquiry(held_at=HELD)
    with time_machine.travel(london(2026, 4, 28, 9, 0), tick=False):
        # A partner sees no S47 list at all (their reports are their agency's).
        client.force_login(people["carol"])
        page = client.get(DRIFT).content.decode()
    assert "Section 47 enquiries with no conference date" not in page


def _download(client, user, fmt, **query):
    url = reverse("reporting:download", kwargs={"key": "drifting-s47s", "fmt": fmt})
    client.force_login(user)
    with time_machine.travel(london(2026, 4, 28, 9, 0), tick=False):
        return client.get(url, query)


def test_the_drifting_s47_list_downloads_as_csv_and_is_audited(client, people, enquiry):
    """The drift list's download (issue 13): the same rows as the page, one export entry."""
    started = enquiry(held_at=HELD)
    response = _download(client, people["hana"], "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Enquiry", "Child", "Started"],
        [started.reference, started.child.full_name, "2026-04-02"],
    ]
    assert response["Content-Disposition"].startswith('attachment; filename="drifting-s47s-')
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("sequence")
    assert entry.actor_id == people["hana"].pk
    assert "Section 47 enquiries with no conference date" in entry.summary
    assert "1 rows" in entry.summary


def test_the_drifting_s47_list_downloads_as_xlsx(client, people, enquiry):
    started = enquiry(held_at=HELD)
    response = _download(client, people["bob"], "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values == [
        ["Enquiry", "Child", "Started"],
        [started.reference, started.child.full_name, "2026-04-02"],
    ]


def test_the_drifting_s47_download_keeps_the_team(client, people, partnership, enquiry):
    """With a team chosen, only the enquiries of the team's cases; the audit entry names it."""
    started = enquiry(held_at=HELD)
    duty = Team.objects.create(partnership=partnership, name="Duty team")
    other = Team.objects.create(partnership=partnership, name="Assessment team")
    duty.members.add(people["alice"])
    allocation_change(
        subject=started,
        social_worker=people["alice"],
        team=duty,
        reason="Drift download test",
        by=people["bob"],
        now=HELD + timedelta(hours=3),
    )
    ours = _download(client, people["hana"], "csv", team=duty.pk).content.decode("utf-8-sig")
    theirs = _download(client, people["hana"], "csv", team=other.pk).content.decode("utf-8-sig")
    assert started.reference in ours
    assert started.reference not in theirs
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("sequence")
    assert "(Assessment team)" in entry.summary


def test_a_partner_cannot_download_the_drifting_s47_list(client, people, enquiry):
    enquiry(held_at=HELD)
    assert _download(client, people["carol"], "csv").status_code == 404


def test_the_drift_page_links_the_s47_downloads(client, people, enquiry):
    enquiry(held_at=HELD)
    client.force_login(people["hana"])
    with time_machine.travel(london(2026, 4, 28, 9, 0), tick=False):
        page = client.get(DRIFT).content.decode()
    assert reverse("reporting:download", args=["drifting-s47s", "csv"]) in page
    assert reverse("reporting:download", args=["drifting-s47s", "xlsx"]) in page
