"""The records' month tallies (issue 13, "Speed") equal the live count of current versions
after each authorisation and correction (a correction moves the record's decision and
attendance from the version it supersedes), the recount writes the same rows, and the
dashboard's figures read from them keep the hand counts (R002.4: a restricted record is
counted, never listed)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from convene.clocks.tally import month_of
from convene.policy.vocab import Decision, RecordSection
from convene.records import services
from convene.records.models import Attendance, AttendanceTally, DecisionTally, RecordVersion
from convene.records.tally import current
from convene.reporting.access import report_scope
from convene.reporting.periods import Period
from convene.reporting.selectors import attendance_by_agency, decisions_by_outcome
from tests.records.conftest import AFTER, except_missing, fill, make_record, save  # noqa: F401

pytestmark = pytest.mark.django_db


def _tallies() -> tuple[Counter, Counter]:
    decisions = Counter(
        {(t.month, t.decision): t.records for t in DecisionTally.objects.exclude(records=0)}
    )
    attendance = Counter(
        {(t.month, t.agency, t.status): t.rows for t in AttendanceTally.objects.exclude(rows=0)}
    )
    return decisions, attendance


def _live() -> tuple[Counter, Counter]:
    versions = current(RecordVersion.objects.all()).select_related("record")
    decisions = Counter((month_of(v.record.held_at), v.decision) for v in versions)
    attendance = Counter(
        (month_of(a.version.record.held_at), a.agency_id or 0, a.status)
        for a in Attendance.objects.filter(version__in=versions).select_related("version__record")
    )
    return decisions, attendance


def test_authorise_and_correct_keep_the_tallies_equal_to_the_count(make_record, people):  # noqa: F811
    first = make_record(invitees=("alice", "carol", "dev"))
    fill(first, people, Decision.CHILD_IN_NEED)
    services.record_authorise(record=first, by=people["bob"], now=AFTER)
    assert _tallies() == _live()
    # Restricted: counted, never listed.
    restricted = make_record(
        invitees=("alice", "carol"), categories=("allegation_against_staff",), named=("bob",)
    )
    fill(restricted, people, Decision.SINGLE_ASSESSMENT)
    except_missing(restricted, people, now=restricted.held_at)
    services.record_authorise(record=restricted, by=people["bob"], now=AFTER)
    assert _tallies() == _live()
    services.record_correction_start(record=restricted, note="Was S47", by=people["bob"], now=AFTER)
    save(
        restricted,
        RecordSection.DECISION,
        {"decision": "s47_single_agency", "reasons": "Threshold met"},
        by=people["bob"],
    )
    services.record_authorise(record=restricted, by=people["bob"], now=AFTER)
    assert _tallies() == _live()
    decisions, _ = _tallies()
    assert sorted(decisions.values()) == [1, 1]  # the correction replaced, not added
    march = Period(date(2026, 3, 1), date(2026, 4, 1), "March 2026")
    assert first.held_at.month == 3
    found = dict(decisions_by_outcome(scope=report_scope(user=people["ivy"]), period=march))
    assert (found["Child in need"], found["Section 47 enquiry, social care alone"]) == (1, 1)
    assert found["Single assessment, then reconvene"] == 0
    police = people["carol"].agency.name
    # From 15 February (live edge) to 31 March (whole month from the tallies): the same.
    for period in (march, Period(date(2026, 2, 15), date(2026, 4, 1), "")):
        rows = {
            r.agency: r
            for r in attendance_by_agency(scope=report_scope(user=people["bob"]), period=period)
        }
        assert rows[police].attended == 2
    before = _tallies()
    DecisionTally.objects.all().delete()
    AttendanceTally.objects.update(rows=7)
    call_command("reporting", "rebuild-summary", stdout=StringIO())
    assert _tallies() == before
