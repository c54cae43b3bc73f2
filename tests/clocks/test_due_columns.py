"""A referral's stored queue deadlines follow its open clocks (issue 15).

``Referral.receipt_due_at`` is the soonest open convene or triage clock and
``Referral.convene_due_at`` the soonest open convene clock: the triage and convening
queues order by them instead of probing every queued referral's clocks. They are
written by every service that opens or closes a clock (``convene.clocks.due_columns``)
and filled by migration ``referrals/0003_queue_due_columns``; here each transition is
checked against the clocks themselves.
"""

from __future__ import annotations

import importlib
import io
from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from convene.clocks.due_columns import due_columns_rebuild
from convene.clocks.models import Clock
from convene.clocks.services import clock_meet, clock_rescind, clock_waive, clocks_sweep
from convene.discussions.models import Discussion
from convene.people.factories import ChildFactory
from convene.policy.vocab import ClockKind
from convene.referrals.models import Referral
from tests.clocks.helpers import make_clock
from tests.convening import NOW, accepted_referral, make_referral, scheduled_discussion
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

OPEN = (Clock.State.PENDING, Clock.State.BREACHED)


def _soonest(referral: Referral, kinds: tuple[str, ...]) -> datetime | None:
    """The answer worked out from the clocks themselves, in Python."""
    dues = [
        c.due_at
        for c in Clock.objects.filter(subject_id=referral.pk, kind__in=kinds, state__in=OPEN)
        if c.subject_type.model_class() is Referral
    ]
    return min(dues, default=None)


def _assert_kept(referral: Referral) -> tuple[datetime | None, datetime | None]:
    referral.refresh_from_db()
    assert referral.receipt_due_at == _soonest(referral, ("convene", "triage"))
    assert referral.convene_due_at == _soonest(referral, ("convene",))
    return referral.receipt_due_at, referral.convene_due_at


def test_receipt_and_triage_keep_the_stored_deadlines(people, partnership, agencies):
    referral = make_referral(people=people, partnership=partnership, agencies=agencies)
    receipt, _ = _assert_kept(referral)
    assert receipt is not None  # on a clock from receipt (R002.2)
    accepted = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    _, convene = _assert_kept(accepted)
    assert convene is not None  # accepting started (or kept) the convene clock


def test_each_clock_transition_moves_the_stored_deadlines(people, partnership, agencies):
    referral = make_referral(people=people, partnership=partnership, agencies=agencies)
    start = referral.received_at
    later = make_clock(
        partnership, started_at=start, due_at=start + timedelta(days=9), subject=referral
    )
    sooner = make_clock(
        partnership, started_at=start, due_at=start + timedelta(hours=2), subject=referral
    )
    receipt, convene = _assert_kept(referral)
    assert receipt == convene == sooner.due_at
    clocks_sweep(now=start + timedelta(hours=3))  # breached is still open: nothing moves
    assert _assert_kept(referral) == (receipt, convene)
    clock_meet(clock=sooner, at=start + timedelta(hours=4), by=people["bob"])
    assert _assert_kept(referral)[1] == later.due_at
    clock_waive(clock=later, reason="Cancelled", at=start + timedelta(hours=5), by=people["bob"])
    assert _assert_kept(referral)[1] is None
    clock_rescind(
        subject=referral, reason="Closed", at=start + timedelta(hours=6), by=people["bob"]
    )
    assert _assert_kept(referral) == (None, None)


def test_a_triage_clock_moves_only_the_receipt_deadline(people, partnership, agencies):
    referral = make_referral(people=people, partnership=partnership, agencies=agencies)
    clock_rescind(subject=referral, reason="Start again", at=NOW, by=people["bob"])
    make_clock(
        partnership,
        started_at=NOW,
        due_at=NOW + timedelta(hours=1),
        kind=ClockKind.TRIAGE,
        subject=referral,
    )
    receipt, convene = _assert_kept(referral)
    assert receipt == NOW + timedelta(hours=1)
    assert convene is None


def test_a_clock_on_another_subject_costs_no_extra_query(partnership):
    child = ChildFactory(partnership=partnership)
    with CaptureQueriesContext(connection) as captured:
        make_clock(partnership, started_at=NOW, due_at=NOW + timedelta(days=1), subject=child)
    assert not any("referrals_referral" in q["sql"] for q in captured.captured_queries)


def test_the_migration_fills_what_the_services_write(people, partnership, agencies):
    referrals = [
        make_referral(people=people, partnership=partnership, agencies=agencies),
        accepted_referral(people=people, partnership=partnership, agencies=agencies),
    ]
    make_clock(
        partnership,
        started_at=NOW,
        due_at=NOW + timedelta(minutes=30),
        subject=referrals[1],
    )
    written = [_assert_kept(r) for r in referrals]
    Referral.objects.update(receipt_due_at=None, convene_due_at=None)
    migration = importlib.import_module("convene.referrals.migrations.0003_queue_due_columns")
    migration.queue_due_fill(apps)
    assert [_assert_kept(r) for r in referrals] == written


def test_a_discussion_keeps_its_outcome_and_conference_deadlines(people, partnership, agencies):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    discussion = scheduled_discussion(referral=referral, people=people)
    clocks = {
        kind: make_clock(
            partnership,
            started_at=NOW,
            due_at=NOW + timedelta(days=2),
            kind=kind,
            subject=discussion,
        )
        for kind in (ClockKind.OUTCOME_NOTIFIED, ClockKind.ICPC)
    }
    discussion.refresh_from_db()
    assert discussion.outcome_due_at == discussion.icpc_due_at == NOW + timedelta(days=2)
    clock_meet(clock=clocks[ClockKind.OUTCOME_NOTIFIED], at=NOW, by=people["bob"])
    discussion.refresh_from_db()
    assert discussion.outcome_due_at is None
    assert discussion.icpc_due_at == NOW + timedelta(days=2)
    Discussion.objects.update(icpc_due_at=None)
    migration = importlib.import_module("convene.discussions.migrations.0004_work_due_columns")
    migration.work_due_fill(apps)
    discussion.refresh_from_db()
    assert (discussion.outcome_due_at, discussion.icpc_due_at) == (None, NOW + timedelta(days=2))


def _stale_everything(people, partnership, agencies) -> tuple[Referral, Discussion]:
    """A referral and a discussion whose clocks are changed around the services, as a bulk
    load does (the bench's copies meet an old case's clocks and move a young one's on):
    their stored deadlines are then stale."""
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    discussion = scheduled_discussion(referral=referral, people=people)
    make_clock(
        partnership,
        started_at=NOW,
        due_at=NOW + timedelta(days=2),
        kind=ClockKind.OUTCOME_NOTIFIED,
        subject=discussion,
    )
    discussion.refresh_from_db()
    referral.refresh_from_db()
    assert discussion.outcome_due_at is not None
    assert referral.convene_due_at is not None
    clocks = Clock.objects.filter(state__in=OPEN)
    clocks.filter(kind=ClockKind.OUTCOME_NOTIFIED).update(
        state=Clock.State.MET, met_at=NOW + timedelta(days=1)
    )
    clocks.filter(kind=ClockKind.CONVENE).update(due_at=NOW + timedelta(days=30))
    discussion.refresh_from_db()
    assert discussion.outcome_due_at is not None  # stale: its clock was met
    return referral, discussion


def test_the_fill_clears_a_deadline_whose_clock_was_met(people, partnership, agencies):
    _, discussion = _stale_everything(people, partnership, agencies)
    migration = importlib.import_module("convene.discussions.migrations.0004_work_due_columns")
    migration.work_due_fill(apps)
    discussion.refresh_from_db()
    assert discussion.outcome_due_at is None


def test_the_rebuild_fixes_every_stale_row(people, partnership, agencies):
    referral, discussion = _stale_everything(people, partnership, agencies)
    # Batches of two ids: the rows fall in more than one batch and each is still fixed.
    # Stale: the discussion's outcome deadline, the referral's convene and receipt ones.
    assert due_columns_rebuild(batch=2) == 3
    assert due_columns_rebuild() == 0  # consistent now: nothing written
    assert _assert_kept(referral)[1] == NOW + timedelta(days=30)
    discussion.refresh_from_db()
    assert discussion.outcome_due_at is None


def test_rebuild_summary_recomputes_the_stored_deadlines(people, partnership, agencies):
    referral, discussion = _stale_everything(people, partnership, agencies)
    out = io.StringIO()
    call_command("reporting", "rebuild-summary", stdout=out)
    assert "stored deadlines" in out.getvalue()
    _assert_kept(referral)
    discussion.refresh_from_db()
    assert discussion.outcome_due_at is None


def test_the_rebuild_costs_the_same_queries_whatever_the_rows(
    people, partnership, agencies, django_assert_max_num_queries
):
    make_referral(people=people, partnership=partnership, agencies=agencies)
    with CaptureQueriesContext(connection) as few:
        due_columns_rebuild()
    for _ in range(4):
        accepted_referral(people=people, partnership=partnership, agencies=agencies)
    with django_assert_max_num_queries(len(few.captured_queries)):
        due_columns_rebuild()
