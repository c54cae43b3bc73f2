"""The agency checks' month tallies (issue 13, "Speed") equal the live count, by
discussion and agency (``checks_on_time``), after every change to what the report reads
of a held discussion: held (its record written), a check sent by the start after it was
held, a professional moved to another agency, an agency's kind changed (in the admin:
model signals); the recount (`convene reporting rebuild-summary`) writes the same rows;
and the dashboard's table, from the tallies for whole months and live at a period's
edges, is the same as counted wholly live."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from convene.agencychecks.models import AgencyCheckTally
from convene.agencychecks.selectors import checks_on_time
from convene.clocks.tally import month_of
from convene.discussions.models import Discussion
from convene.people.vocab import AgencyKind
from convene.records.services import discussion_hold
from convene.reporting import checks
from convene.reporting.access import report_scope
from convene.reporting.checks import agency_checks_on_time
from convene.reporting.edges import Days, Plan
from convene.reporting.periods import Period
from tests.reporting.fixtures import london
from tests.reporting.test_agency_checks_report import (  # noqa: F401 - fixtures
    PERIOD,
    _discussion,
    _now,
    _send,
    world,
)

pytestmark = pytest.mark.django_db
# The last day of March (live) and the whole of April (from the tallies).
WITH_AN_EDGE = Period(date(2026, 3, 31), date(2026, 5, 1), "")


def _tallies() -> dict:
    rows = {
        (t.partnership_id, t.month, t.agency): (t.discussions, t.on_time)
        for t in AgencyCheckTally.objects.all()
    }
    return {key: row for key, row in rows.items() if any(row)}


def _live() -> dict:
    """Counted by hand from one row per held discussion and agency."""
    held = Discussion.objects.filter(record__isnull=False).select_related("record")
    found: Counter = Counter()
    late: dict = {}
    for discussion in held:
        where = (discussion.partnership_id, month_of(discussion.record.held_at))
        for check in checks_on_time(discussions=Discussion.objects.filter(pk=discussion.pk)):
            found[(*where, check.agency_id, "held")] += 1
            found[(*where, check.agency_id, "sent")] += int(check.on_time)
            late[where] = late.get(where, False) or not check.on_time
        if where in late:
            found[(*where, 0, "held")] += 1
            found[(*where, 0, "sent")] += int(not late.pop(where))
    return {
        key[:3]: (n, found[(*key[:3], "sent")])
        for key, n in found.items()
        if key[3] == "held" and n
    }


def _consistent() -> None:
    assert _tallies() == _live()


def _table(people, period: Period) -> list:
    rows = agency_checks_on_time(scope=report_scope(user=people["bob"]), period=period)
    return [(r.label, r.discussions, r.on_time, r.percent) for r in rows]


def test_every_change_keeps_the_check_tallies_equal_to_the_count(
    people,
    partnership,
    agencies,
    world,  # noqa: F811 - the imported fixture
    monkeypatch,
):
    _consistent()
    # Held at noon, an hour before its start; the school's check comes at 12:30, by the
    # start, after the record was written: it counts as on time.
    early = _discussion(people, partnership, agencies, london(2026, 4, 7, 10), ("carol", "erin"))
    noon = london(2026, 4, 7, 12)
    discussion_hold(discussion=early, held_at=noon, by=people["bob"], now=noon)
    _consistent()
    _send(early, people, "erin", noon + timedelta(minutes=30))
    _consistent()
    _send(early, people, "carol", early.starts_at + timedelta(hours=2))  # late: no change
    _consistent()
    # Dev moves to the school; then the school is recorded as social care (no check).
    dev = people["dev"]
    dev.agency = people["erin"].agency
    dev.save()
    _consistent()
    school = people["erin"].agency
    school.kind = AgencyKind.SOCIAL_CARE.value
    school.save()
    _consistent()
    school.kind = AgencyKind.SCHOOL.value
    school.save()
    _consistent()
    # The dashboard: whole April from the tallies, 31 March live: as counted wholly live.
    table = _table(people, PERIOD)
    assert table[0] == ("Every agency invited", 4, 1, 25.0)
    assert _table(people, WITH_AN_EDGE) == table
    wholly_live = Plan(None, (Days(PERIOD.start, PERIOD.end),), ())
    monkeypatch.setattr(checks, "plan", lambda scope, period: wholly_live)
    assert _table(people, PERIOD) == table
    # The recount writes the same rows.
    before = _tallies()
    AgencyCheckTally.objects.update(on_time=0)
    call_command("reporting", "rebuild-summary", stdout=StringIO())
    assert _tallies() == before
