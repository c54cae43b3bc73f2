"""Attendance exceptions and their reasons (issue 13, R002.4), against hand-built records.

All held on 4 March 2026:

* R1: police (carol) invited, sent apologies; the manager recorded a police exception twice,
  the second reason stands ("Officer called to an emergency"). Distributed.
* R2: no health professional invited; a health exception "GP surgery closed for training".
  Distributed.
* R3: a restricted referral (bob and hana named, ivy not); a health exception
  "Named reason: restricted". Never distributed.

Bob (named everywhere) lists 3 rows; ivy (an auditor, not named on R3) lists 2 while the
counts she sees still include R3 (health 2); carol (police) lists only R1's police row.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from convene.policy.vocab import Decision
from convene.records import services
from convene.records.attendance_exceptions import attendance_exception_record
from convene.records.sections import RecordSection
from convene.reporting.access import report_scope
from convene.reporting.exceptions import standing_exceptions
from convene.reporting.periods import Period
from convene.reporting.selectors import attendance_exceptions
from convene.reporting.tables import WITHHELD
from tests.records.conftest import entry_content, fill, make_record, save  # noqa: F401

pytestmark = pytest.mark.django_db
MARCH = Period(date(2026, 3, 1), date(2026, 4, 1), "March 2026")
MARCH_QUERY = {
    "period": "dates",
    "start-day": "1",
    "start-month": "3",
    "start-year": "2026",
    "end-day": "31",
    "end-month": "3",
    "end-year": "2026",
}


def _except(record, people, party, reason, minutes=0):
    attendance_exception_record(
        record=record,
        party=party,
        reason=reason,
        by=people["bob"],
        now=record.held_at + timedelta(minutes=30 + minutes),
    )


@pytest.fixture
def records(make_record, people):  # noqa: F811 - the imported fixture
    r1 = make_record(invitees=("alice", "carol", "dev"))
    fill(r1, people, Decision.CHILD_IN_NEED)
    content = entry_content(r1, RecordSection.ATTENDANCE)
    carol = people["carol"].pk
    content["rows"] = [
        {**r, "status": "apologies"} if r["professional_id"] == carol else r
        for r in content["rows"]
    ]
    save(r1, RecordSection.ATTENDANCE, content, by=people["bob"])
    _except(r1, people, "police", "First reason, replaced")
    _except(r1, people, "police", "Officer called to an emergency", minutes=5)
    services.record_authorise(record=r1, by=people["bob"], now=r1.held_at + timedelta(hours=1))
    services.record_distribute(record=r1, by=people["bob"], now=r1.held_at + timedelta(hours=1))

    r2 = make_record(invitees=("alice", "carol"))
    fill(r2, people, Decision.CHILD_IN_NEED)
    _except(r2, people, "health", "GP surgery closed for training")
    services.record_authorise(record=r2, by=people["bob"], now=r2.held_at + timedelta(hours=1))
    services.record_distribute(record=r2, by=people["bob"], now=r2.held_at + timedelta(hours=1))

    r3 = make_record(
        invitees=("alice", "carol"),
        categories=("allegation_against_staff",),
        named=("bob", "hana"),
    )
    fill(r3, people, Decision.CHILD_IN_NEED)
    _except(r3, people, "health", "Named reason: restricted")
    return r1, r2, r3


def _reasons(people, name, partnership):
    user = people[name]
    # Carol's police force works with two partnerships: these records are this one's.
    scope = report_scope(user=user, partnership_id=str(partnership.pk))
    return [
        (e.record_id, e.party, e.reason)
        for e in standing_exceptions(user=user, scope=scope, period=MARCH)
    ]


def test_a_manager_named_on_every_record_lists_each_standing_reason(records, people, partnership):
    """R002.4: the reason that stands (the latest) for each record and party."""
    r1, r2, r3 = records
    assert sorted(_reasons(people, "bob", partnership)) == sorted(
        [
            (r1.pk, "police", "Officer called to an emergency"),
            (r2.pk, "health", "GP surgery closed for training"),
            (r3.pk, "health", "Named reason: restricted"),
        ]
    )


def test_a_restricted_records_reason_is_counted_but_not_listed(records, people, partnership):
    r1, r2, _r3 = records
    assert sorted(_reasons(people, "ivy", partnership)) == sorted(
        [
            (r1.pk, "police", "Officer called to an emergency"),
            (r2.pk, "health", "GP surgery closed for training"),
        ]
    )
    counts = dict(attendance_exceptions(scope=report_scope(user=people["ivy"]), period=MARCH))
    assert counts == {"Children's social care": 0, "Police": 1, "Health": 2}


def test_a_partner_lists_only_their_own_agencys_exceptions(records, people, partnership):
    r1, _r2, _r3 = records
    assert _reasons(people, "carol", partnership) == [
        (r1.pk, "police", "Officer called to an emergency")
    ]


def test_the_dashboard_shows_the_reasons_and_they_download(client, people, records):
    client.force_login(people["ivy"])
    page = client.get(reverse("reporting:dashboard"), MARCH_QUERY).content.decode()
    assert "Attendance exceptions and their reasons" in page
    assert "GP surgery closed for training" in page
    assert "Named reason: restricted" not in page
    assert "First reason, replaced" not in page
    url = reverse("reporting:download", args=["exception-reasons", "csv"])
    rows = list(
        csv.reader(io.StringIO(client.get(url, MARCH_QUERY).getvalue().decode("utf-8-sig")))
    )
    assert rows[0] == [
        "Discussion held",
        "Discussion",
        "Did not attend",
        "Reason",
        "Recorded by",
        "Recorded on",
    ]
    assert sorted(row[3] for row in rows[1:]) == [
        "GP surgery closed for training",
        "Officer called to an emergency",
    ]


def test_a_partners_dashboard_shows_their_reasons_only(client, people, records, partnership):
    client.force_login(people["carol"])
    query = MARCH_QUERY | {"partnership": partnership.pk}
    page = client.get(reverse("reporting:dashboard"), query).content.decode()
    assert "Officer called to an emergency" in page
    assert "GP surgery closed for training" not in page


def _walk(client, query) -> list[str]:
    """Every page of the dashboard's reasons, following each page's "Next" link."""
    pages, after = [], None
    while True:
        asked = query | ({"reasons_after": after} if after else {})
        page = client.get(reverse("reporting:dashboard"), asked).content.decode()
        pages.append(page)
        found = re.search(r"reasons_after=(\d+)", page)
        if found is None:
            return pages
        assert len(pages) < 10, "the cursor must move on"
        after = found.group(1)


def test_the_dashboard_lists_a_keyset_page_of_reasons_and_the_download_has_them_all(
    client, people, records, monkeypatch
):
    """Issue 13, "Speed": the list is a keyset page on the dashboard (25 a page; 1 here,
    ``?reasons_after=<id>``, no count), need-to-know decided for the page's rows: ivy is not
    named on R3, so its row shows the date and the party with the details withheld. The
    download is every row the reader may open, streamed."""
    monkeypatch.setattr("convene.reporting.tables.PAGE_SIZE", 1)
    _r1, _r2, r3 = records
    client.force_login(people["ivy"])
    pages = _walk(client, MARCH_QUERY)
    reasons = ("Officer called to an emergency", "GP surgery closed for training")
    assert len(pages) == 3
    assert [sum(reason in page for reason in reasons) for page in pages] == [1, 1, 0]
    assert all(reason in "".join(pages) for reason in reasons)
    assert WITHHELD in pages[2]
    assert "Named reason: restricted" not in "".join(pages)  # counted, never shown
    assert r3.discussion.reference not in "".join(pages)
    assert "First page" in pages[1]
    assert "First page" not in pages[0]
    assert "reasons_page" not in pages[0]
    download = client.get(
        reverse("reporting:download", args=["exception-reasons", "csv"]), MARCH_QUERY
    )
    assert download.streaming
    rows = list(csv.reader(io.StringIO(download.getvalue().decode("utf-8-sig"))))
    assert sorted(row[3] for row in rows[1:]) == sorted(reasons)


def test_those_named_on_the_restricted_record_see_its_reason_on_their_page(
    client, people, records, monkeypatch
):
    monkeypatch.setattr("convene.reporting.tables.PAGE_SIZE", 1)
    client.force_login(people["bob"])
    pages = _walk(client, MARCH_QUERY)
    assert "Named reason: restricted" in pages[2]
    assert WITHHELD not in "".join(pages)


def test_a_cursor_that_is_not_a_row_of_the_list_starts_at_the_first_page(client, people, records):
    client.force_login(people["ivy"])
    url = reverse("reporting:dashboard")
    first = client.get(url, MARCH_QUERY).content.decode()
    for cursor in ("999999", "abc", "9" * 30):
        page = client.get(url, MARCH_QUERY | {"reasons_after": cursor})
        assert page.status_code == 200
        assert page.content.decode().count("Officer called to an emergency") == first.count(
            "Officer called to an emergency"
        )
