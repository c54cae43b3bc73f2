"""The quality standards' month tallies (issue 13, "Speed") equal the live audit over a
mixed month after every change to what a standard reads: authorising, a correction, the
record distributed on time and late, the outcome told, a chair's roles taken away and
given back (in the admin: model signals), an agency's kind changed; the recount
(`convene reporting rebuild-summary`) writes the same rows; and the dashboard's audit,
read from the tallies for whole months and live for a period's partial months, gives the
same figures as the live count. So do the attendance exceptions' tallies (records with an
exception for each party), a second exception of a record and party counting once."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from convene.clocks.models import Clock
from convene.clocks.services import clock_meet
from convene.clocks.tally import month_of
from convene.people.models import RoleGrant
from convene.people.vocab import AgencyKind, Role
from convene.policy.vocab import ClockKind, Decision, RecordSection
from convene.records import services
from convene.records.models import AttendanceException, ExceptionTally, QualityTally, RecordVersion
from convene.records.quality_tally import COLUMNS, flags
from convene.records.tally import current
from convene.reporting import quality
from convene.reporting.access import report_scope
from convene.reporting.edges import Days, Plan
from convene.reporting.periods import Period
from convene.reporting.quality import quality_audit
from convene.reporting.selectors import attendance_exceptions
from tests.records.conftest import HELD_AT, except_missing, fill, make_record, save  # noqa: F401

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 4, 1), "March 2026")
# Half of February (counted live) and the whole of March (from the tallies).
FROM_MID_FEBRUARY = Period(date(2026, 2, 15), date(2026, 4, 1), "")


def _tallies() -> dict:
    rows = {
        (t.partnership_id, t.month): {name: getattr(t, name) for name in COLUMNS}
        for t in QualityTally.objects.all()
    }
    return {key: row for key, row in rows.items() if any(row.values())}


def _live() -> dict:
    """Counted by hand from each current version's flags."""
    found: dict = {}
    versions = current(RecordVersion.objects.all()).annotate(**flags())
    for v in versions.select_related("record__discussion"):
        key = (v.record.discussion.partnership_id, month_of(v.record.held_at))
        row = found.setdefault(key, Counter())
        row["records"] += 1
        for name in COLUMNS[1:]:
            row[name] += int(getattr(v, name))
    return {key: {name: row[name] for name in COLUMNS} for key, row in found.items()}


def _exception_tallies() -> dict:
    rows = {(t.partnership_id, t.month, t.party): t.records for t in ExceptionTally.objects.all()}
    return {key: n for key, n in rows.items() if n}


def _exceptions_live() -> dict:
    """Records with an exception for each party, counted by hand."""
    found = {
        (e.record.discussion.partnership_id, month_of(e.record.held_at), e.party, e.record_id)
        for e in AttendanceException.objects.select_related("record__discussion")
    }
    return dict(Counter(key[:3] for key in found))


def _consistent() -> None:
    assert _tallies() == _live()
    assert _exception_tallies() == _exceptions_live()


def _audit(people, period: Period) -> dict:
    rows = quality_audit(scope=report_scope(user=people["bob"]), period=period)
    return {row.standard: (row.met, row.records) for row in rows}


def _clock(record, kind: ClockKind) -> Clock:
    return Clock.objects.get(subject_id=record.discussion_id, kind=kind.value)


def test_every_change_keeps_the_quality_tallies_equal_to_the_audit(make_record, people):  # noqa: F811
    # Police and health; distributed at once and everyone told on time.
    full = make_record(invitees=("alice", "carol", "dev"))
    fill(full, people, Decision.CHILD_IN_NEED)
    services.record_authorise(record=full, by=people["bob"], now=full.held_at)
    _consistent()
    services.record_distribute(record=full, by=people["bob"], now=full.held_at)
    _consistent()
    told = _clock(full, ClockKind.OUTCOME_NOTIFIED)
    clock_meet(clock=told, at=told.due_at, by=None)  # exactly at due: on time
    _consistent()
    # No health (a manager said why); distributed a week late, a day later in the month.
    late = make_record(invitees=("alice", "carol"), held_at=HELD_AT + timedelta(days=1))
    fill(late, people, Decision.SINGLE_ASSESSMENT)
    except_missing(late, people, now=late.held_at)
    services.record_authorise(record=late, by=people["bob"], now=late.held_at)
    _consistent()
    services.record_distribute(record=late, by=people["bob"], now=late.held_at + timedelta(days=7))
    _consistent()
    # Held, authorised, never distributed; then corrected (its counts move, not add).
    thin = make_record(invitees=("alice", "carol", "dev"), held_at=HELD_AT + timedelta(days=2))
    fill(thin, people, Decision.CHILD_IN_NEED)
    services.record_authorise(record=thin, by=people["bob"], now=thin.held_at)
    services.record_correction_start(
        record=thin, note="Was S47", by=people["bob"], now=thin.held_at
    )
    save(
        thin,
        RecordSection.DECISION,
        {"decision": "s47_single_agency", "reasons": "Threshold met"},
        by=people["bob"],
    )
    services.record_authorise(record=thin, by=people["bob"], now=thin.held_at)
    _consistent()
    # Held in February, not yet authorised: counts nowhere.
    make_record(held_at=HELD_AT - timedelta(days=20))
    _consistent()
    assert _audit(people, MARCH)["Police attended"] == (3, 3)
    assert _audit(people, MARCH)["Record distributed within one working day"] == (1, 3)
    assert _audit(people, MARCH)["A health professional attended"] == (2, 3)
    # The chair's manager roles taken away in the admin, then given back.
    grants = RoleGrant.objects.filter(professional=people["bob"], role__in=_chair_roles())
    kept = list(grants.values_list("role", flat=True))
    assert kept, "bob chairs as a manager"
    for grant in grants:
        grant.delete()
    _consistent()
    assert _audit(people, MARCH)["Chaired by a deputy team manager or team manager"] == (0, 3)
    for role in kept:
        RoleGrant.objects.create(professional=people["bob"], role=role)
    _consistent()
    assert _audit(people, MARCH)["Chaired by a deputy team manager or team manager"] == (3, 3)
    # The health agency recorded as the police: health no longer attended, police still.
    health = people["dev"].agency
    health.kind = AgencyKind.POLICE.value
    health.save()
    _consistent()
    assert _audit(people, MARCH)["A health professional attended"] == (0, 3)
    health.kind = AgencyKind.HEALTH_COMMUNITY.value
    health.save()
    _consistent()
    # The dashboard: the same figures from the tallies as counted live (a team is counted
    # live; the partial half of February adds nothing here).
    audited = _audit(people, MARCH)
    assert _audit(people, FROM_MID_FEBRUARY) == audited
    assert audited["Referrer and absent agencies told within one working day"] == (1, 3)
    assert audited == _audit_live(people, MARCH)
    scope = report_scope(user=people["bob"])
    parties = attendance_exceptions(scope=scope, period=MARCH)
    assert dict(parties)["Health"] == 1
    assert attendance_exceptions(scope=scope, period=FROM_MID_FEBRUARY) == parties
    with_edges = Period(date(2026, 3, 2), date(2026, 3, 31), "")  # March less two days
    assert attendance_exceptions(scope=scope, period=with_edges) == parties
    # The recount writes the same rows.
    before = _tallies()
    exceptions = _exception_tallies()
    QualityTally.objects.update(records=9, police_attended=0)
    ExceptionTally.objects.update(records=5)
    call_command("reporting", "rebuild-summary", stdout=StringIO())
    assert _tallies() == before
    assert _exception_tallies() == exceptions


def _chair_roles() -> list[str]:
    return [Role.DEPUTY_TEAM_MANAGER.value, Role.TEAM_MANAGER.value]


def _audit_live(people, period: Period) -> dict:
    """The audit with no tallies at all: every figure counted from the rows."""
    wholly_live = Plan(None, (Days(period.start, period.end),), ())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(quality, "plan", lambda scope, period: wholly_live)
        return _audit(people, period)
