"""Agency checks sent before the meeting (issue 16, R001.7, R003.4), hand-counted.

Discussions held in April 2026, each starting at 13:00 London time on its day:

* D1, 1 April: police 11:00, health 12:00, school exactly at 13:00 (the boundary: on time).
* D2, 2 April: police 12:00, health 13:00:01 (one second after the start: late).
* D3, 3 April: police sent nothing; school 12:00, updated at 15:00 (the first stays on time).
* D4, 6 April: only social care invited: it expects no check and is left out.
* D5, 4 May: police on time, but held outside the period.

Every agency invited: 3 discussions, 1 with every check by the start (33.3 %).
Shire Constabulary 3, 2 (66.7 %); Riverside Community Health 2, 1 (50.0 %);
Riverside Primary School 2, 2 (100.0 %).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from convene.agencychecks.selectors import checks_on_time
from convene.agencychecks.services import agency_check_submit
from convene.allocation.models import Team
from convene.allocation.services import allocation_change
from convene.audit.models import Action as AuditAction
from convene.audit.models import AuditEntry
from convene.discussions.models import Discussion
from convene.records.services import discussion_hold
from convene.reporting.access import report_scope
from convene.reporting.checks import agency_checks_on_time
from convene.reporting.periods import Period
from tests.convening import accepted_referral, scheduled_discussion
from tests.queries import CaptureQueriesContext
from tests.reporting.fixtures import APRIL, NOW, london

pytestmark = pytest.mark.django_db
PERIOD = Period(date(2026, 4, 1), date(2026, 5, 1), "April 2026")
CHECK = {"known": "yes", "concerns": "Bruising seen at school", "completed_by_role": "Lead"}
POLICE, HEALTH, SCHOOL = (
    "Shire Constabulary",
    "Riverside Community Health",
    "Riverside Primary School",
)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _discussion(people, partnership, agencies, day: datetime, invitees) -> Discussion:
    referral = accepted_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        now=day,
        received_at=day - timedelta(hours=1),
    )
    return scheduled_discussion(
        referral=referral,
        people=people,
        invitees=invitees,
        now=day,
        starts_in=timedelta(hours=3),
        allow_missing_required=True,
    )


def _send(discussion, people, name, at) -> None:
    agency_check_submit(discussion=discussion, content=CHECK, by=people[name], now=at)


def _hold(discussion, people) -> None:
    held = discussion.starts_at + timedelta(hours=1)
    discussion_hold(discussion=discussion, held_at=held, by=people["bob"], now=held)


@pytest.fixture
def world(people, partnership, agencies):
    def make(day, invitees):
        return _discussion(people, partnership, agencies, london(2026, *day, 10), invitees)

    d1 = make((4, 1), ("carol", "dev", "erin"))
    _send(d1, people, "carol", london(2026, 4, 1, 11))
    _send(d1, people, "dev", london(2026, 4, 1, 12))
    _send(d1, people, "erin", d1.starts_at)  # exactly at the start
    d2 = make((4, 2), ("carol", "dev"))
    _send(d2, people, "carol", london(2026, 4, 2, 12))
    _send(d2, people, "dev", d2.starts_at + timedelta(seconds=1))
    d3 = make((4, 3), ("carol", "erin"))
    _send(d3, people, "erin", london(2026, 4, 3, 12))
    _send(d3, people, "erin", london(2026, 4, 3, 15))
    d4 = make((4, 6), ("tom",))
    d5 = make((5, 4), ("carol",))
    _send(d5, people, "carol", london(2026, 5, 4, 11))
    for discussion in (d1, d2, d3, d4, d5):
        _hold(discussion, people)
    return {"d1": d1, "d2": d2, "d3": d3}


def _table(rows):
    return [(r.label, r.discussions, r.on_time, r.percent) for r in rows]


def test_R001_7_share_overall_and_by_agency_hand_counted(people, world):
    """R001.7: every agency's information before the meeting; at the start counts, a second
    after does not."""
    scope = report_scope(user=people["bob"])
    assert _table(agency_checks_on_time(scope=scope, period=PERIOD)) == [
        ("Every agency invited", 3, 1, 33.3),
        (HEALTH, 2, 1, 50.0),
        (SCHOOL, 2, 2, 100.0),
        (POLICE, 3, 2, 66.7),
    ]


def test_R001_7_the_boundary_is_the_start_itself(people, world):
    """A check sent at the start time is on time (R001.7); one second later it is not."""
    checks = checks_on_time(discussions=Discussion.objects.filter(pk=world["d1"].pk))
    assert all(check.on_time for check in checks)
    late = checks_on_time(discussions=Discussion.objects.filter(pk=world["d2"].pk))
    assert {(c.agency_name, c.on_time) for c in late} == {(POLICE, True), (HEALTH, False)}


def test_selector_is_one_query_for_any_number_of_discussions(world):
    with CaptureQueriesContext(connection) as queries:
        checks_on_time(discussions=Discussion.objects.all())
    assert len(queries) == 1


def test_partner_sees_only_their_agency_line(client, people, world):
    client.force_login(people["carol"])
    page = client.get(reverse("reporting:dashboard"), APRIL).content.decode()
    assert 'id="agency_checks-heading"' in page
    assert POLICE in page
    assert "Every agency invited" not in page
    assert SCHOOL not in page
    scope = report_scope(user=people["erin"])
    assert _table(agency_checks_on_time(scope=scope, period=PERIOD)) == [(SCHOOL, 2, 2, 100.0)]


def test_dashboard_shows_the_table_and_its_chart(client, people, world):
    client.force_login(people["bob"])
    page = client.get(reverse("reporting:dashboard"), APRIL).content.decode()
    assert '<title id="chart-agency_checks-title">Agency checks sent before the meeting' in page
    assert "Every agency invited: 33.3" in page  # the chart's description


def test_csv_and_xlsx_downloads_are_the_table_and_audited(client, people, world):
    client.force_login(people["bob"])
    url = reverse("reporting:download", args=["agency_checks", "csv"])
    response = client.get(url, APRIL)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Agency", "Kind", "Discussions held", "Check sent by the start", "%"]
    assert rows[1] == ["Every agency invited", "", "3", "1", "33.3"]
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("sequence")
    assert "Agency checks sent before the meeting" in entry.summary
    xlsx = client.get(reverse("reporting:download", args=["agency_checks", "xlsx"]), APRIL)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    police = next(row for row in sheet.iter_rows(values_only=True) if row[0] == POLICE)
    assert list(police[2:]) == [3, 2, 66.7]


def test_team_filter_counts_only_the_teams_discussions(people, partnership, world):
    duty = Team.objects.create(partnership=partnership, name="Duty team")
    duty.members.add(people["alice"])
    allocation_change(
        subject=world["d2"].referral,
        social_worker=people["alice"],
        team=duty,
        reason="Reports test",
        by=people["bob"],
        now=london(2026, 4, 2, 10, 30),
    )
    scope = report_scope(user=people["bob"], team_id=str(duty.pk))
    assert _table(agency_checks_on_time(scope=scope, period=PERIOD)) == [
        ("Every agency invited", 1, 0, 0.0),
        (HEALTH, 1, 0, 0.0),
        (POLICE, 1, 1, 100.0),
    ]


def test_the_board_and_the_report_agree_on_the_boundary(world):
    """A check sent at the start is not "Received late"; one second after it is (R001.7)."""
    d1_school = world["d1"].agency_checks.get(agency__name=SCHOOL).versions.get()
    d2_health = world["d2"].agency_checks.get(agency__name=HEALTH).versions.get()
    assert (d1_school.late, d2_health.late) == (False, True)
