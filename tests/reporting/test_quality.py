"""The quality standards audit (R002.4, R002.8, R002.9) against two hand-built records."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from convene.policy.vocab import Decision
from convene.records import services
from convene.reporting.access import report_scope
from convene.reporting.periods import Period
from convene.reporting.quality import quality_audit
from tests.records.conftest import except_missing, fill, make_record  # noqa: F401 - fixture

MARCH = Period(date(2026, 3, 1), date(2026, 4, 1), "March 2026")


@pytest.fixture
def records(make_record, people):  # noqa: F811 - the imported fixture
    # With police (carol) and community health (dev); distributed at once.
    full = make_record(invitees=("alice", "carol", "dev"))
    fill(full, people, Decision.CHILD_IN_NEED)
    services.record_authorise(record=full, by=people["bob"], now=full.held_at)
    services.record_distribute(record=full, by=people["bob"], now=full.held_at)
    # Without health (a manager recorded why); authorised, never distributed.
    thin = make_record(invitees=("alice", "carol"))
    fill(thin, people, Decision.CHILD_IN_NEED)
    except_missing(thin, people, now=thin.held_at)
    services.record_authorise(record=thin, by=people["bob"], now=thin.held_at)
    return full, thin


def test_shares_of_records_meeting_each_standard(records, people):
    rows = {
        row.standard: row
        for row in quality_audit(scope=report_scope(user=people["bob"]), period=MARCH)
    }
    assert {row.records for row in rows.values()} == {2}
    assert rows["Chaired by a deputy team manager or team manager"].met == 2
    assert rows["Police attended"].met == 2
    assert rows["A health professional attended"].met == 1
    assert rows["Record distributed within one working day"].met == 1
    assert rows["Record distributed within one working day"].percent == 50.0


def test_records_missing_a_standard_say_what_is_missing(client, people, records):
    _full, thin = records
    client.force_login(people["hana"])
    page = client.get(
        reverse("reporting:quality"),
        {
            "period": "dates",
            "start-day": "1",
            "start-month": "3",
            "start-year": "2026",
            "end-day": "31",
            "end-month": "3",
            "end-year": "2026",
        },
    ).content.decode()
    assert reverse("discussions:detail", args=[thin.discussion_id]) in page
    assert "A health professional attended" in page


def test_attendance_exceptions_counted_by_party(records, people):
    from convene.reporting.selectors import attendance_exceptions

    counts = dict(attendance_exceptions(scope=report_scope(user=people["bob"]), period=MARCH))
    assert counts == {"Children's social care": 0, "Police": 0, "Health": 1}


def test_attendance_and_decisions_hand_counted(records, people):
    from convene.reporting.selectors import attendance_by_agency, decisions_by_outcome

    whole = {
        row.agency: row
        for row in attendance_by_agency(scope=report_scope(user=people["bob"]), period=MARCH)
    }
    police = people["carol"].agency.name
    health = people["dev"].agency.name
    assert whole[police].attended == 2
    assert whole[health].attended == 1
    # A partner sees their own agency's line only.
    # Carol's police force serves two partnerships: she chooses which (the first by name,
    # Northvale, otherwise).
    carol = report_scope(
        user=people["carol"], partnership_id=str(records[0].discussion.partnership_id)
    )
    mine = attendance_by_agency(scope=carol, period=MARCH)
    assert [row.agency for row in mine] == [police]
    decisions = dict(decisions_by_outcome(scope=report_scope(user=people["ivy"]), period=MARCH))
    assert decisions["Child in need"] == 2
    assert sum(decisions.values()) == 2


def test_chart_is_accessible_and_matches_the_table():
    from convene.reporting.charts import bar_chart

    svg = bar_chart(
        chart_id="c",
        title="Decisions <by> outcome",
        points=[("Child in need", 2.0), ("No further action", 0.0)],
        measure="Discussions",
    )
    assert 'role="img"' in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Decisions &lt;by&gt; outcome</title>' in svg
    assert "Child in need: 2; No further action: 0" in svg


def test_the_list_of_records_missing_a_standard_downloads(client, people, records):
    """Every table downloads (issue 13): the quality page's list, with what each misses."""
    import csv
    import io

    from convene.audit.models import Action as AuditAction
    from convene.audit.models import AuditEntry

    _full, thin = records
    march = {
        "period": "dates",
        "start-day": "1",
        "start-month": "3",
        "start-year": "2026",
        "end-day": "31",
        "end-month": "3",
        "end-year": "2026",
    }
    client.force_login(people["hana"])
    page = client.get(reverse("reporting:quality"), march).content.decode()
    url = reverse("reporting:download", args=["records-missing-a-standard", "csv"])
    assert url in page
    body = client.get(url, march).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Discussion", "Held", "What is missing"]
    missing = {row[0]: row[2] for row in rows[1:]}
    assert "A health professional attended" in missing[thin.discussion.reference]
    assert "Record distributed within one working day" in missing[thin.discussion.reference]
    # The full record has police and health and went out at once.
    assert "A health professional attended" not in missing.get(_full.discussion.reference, "")
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=people["hana"]).count() == 1
