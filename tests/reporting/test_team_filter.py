"""The team filter (issue 13): figures for the cases allocated to one team now, hand-counted.

Duty team holds referral A (allocated to Alice in the team) and, by inheritance, its
discussion's clocks; Assessment team holds referral B; referral C is nobody's team.

* A: convene clock met on time (1 Apr 9:00 → 13:00), convene clock met late (2 Apr 9:00 →
  3 Apr 9:00).
* B: convene clock breached (7 Apr, swept 8 Apr).
* C: convene clock met on time.

Duty team: started 2, on time 1, late 1 (50 %). Assessment: started 1, breached 1 (0 %).
Everyone: started 4, on time 2, late 1, breached 1.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from convene.allocation.models import Team
from convene.allocation.services import allocation_change
from convene.audit.models import Action as AuditAction
from convene.audit.models import AuditEntry
from convene.clocks.services import clock_meet, clocks_sweep
from convene.reporting.access import report_scope
from convene.reporting.periods import Period
from convene.reporting.selectors import timeliness
from convene.workdays.timescales import end_of_day
from tests.clocks.helpers import make_clock
from tests.reporting.fixtures import APRIL, NOW, london

pytestmark = pytest.mark.django_db
PERIOD = Period(date(2026, 4, 1), date(2026, 5, 1), "April 2026")


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def teams(people, partnership, referral_for):
    duty = Team.objects.create(partnership=partnership, name="Duty team")
    assessment = Team.objects.create(partnership=partnership, name="Assessment team")
    duty.members.add(people["alice"])
    assessment.members.add(people["bob"])
    a, b, c = referral_for(), referral_for(), referral_for()
    for referral, worker, team in ((a, "alice", duty), (b, "bob", assessment)):
        allocation_change(
            subject=referral,
            social_worker=people[worker],
            team=team,
            reason="Reports test",
            by=people["bob"],
            now=london(2026, 3, 30, 9),
        )

    def convene(subject, start, met):
        clock = make_clock(
            partnership, started_at=start, due_at=end_of_day(start.date()), subject=subject
        )
        return clock_meet(clock=clock, at=met, by=None) if met else clock

    convene(a, london(2026, 4, 1, 9), london(2026, 4, 1, 13))
    convene(a, london(2026, 4, 2, 9), london(2026, 4, 3, 9))
    convene(b, london(2026, 4, 7, 9), None)
    clocks_sweep(now=london(2026, 4, 8, 12))
    convene(c, london(2026, 4, 9, 9), london(2026, 4, 9, 10))
    return duty, assessment


def _convene_row(people, team=None):
    scope = report_scope(user=people["hana"], team_id=str(team.pk) if team else None)
    (row,) = [r for r in timeliness(scope=scope, period=PERIOD) if r.kind == "convene"]
    return (row.started, row.met_on_time, row.met_late, row.breached, row.percent_on_time)


def test_each_team_counts_only_its_cases(people, teams):
    duty, assessment = teams
    assert _convene_row(people, duty) == (2, 1, 1, 0, 50.0)
    assert _convene_row(people, assessment) == (1, 0, 0, 1, 0.0)
    assert _convene_row(people)[:4] == (4, 2, 1, 1)


def test_another_partnerships_team_is_no_team(people, teams, partnership):
    foreign = Team.objects.create(
        partnership=people["nick"].agency.partnerships.exclude(pk=partnership.pk).first(),
        name="Theirs",
    )
    assert report_scope(user=people["hana"], team_id=str(foreign.pk)).team is None


def test_the_team_is_kept_in_links_and_downloads(client, people, teams):
    duty, _ = teams
    client.force_login(people["hana"])
    page = client.get(reverse("reporting:dashboard"), APRIL | {"team": duty.pk}).content.decode()
    assert "Cases allocated to Duty team" in page
    assert f"team={duty.pk}" in page  # the drift link and every download carry it
    url = reverse("reporting:download", kwargs={"key": "timeliness", "fmt": "csv"})
    csv = client.get(url, APRIL | {"team": duty.pk}).content.decode("utf-8-sig")
    assert "Discussion convened,2,1,1,0,0,0,50.0" in csv
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("sequence")
    assert "(Duty team)" in entry.summary


def test_a_team_that_is_not_offered_is_an_error(client, people, teams):
    client.force_login(people["hana"])
    page = client.get(reverse("reporting:dashboard"), APRIL | {"team": "999999"}).content.decode()
    assert "Choose one of the partnership&#x27;s teams" in page
