"""My work's walks (issue 15, work15): the records to confirm from the person's own attendance
rows still awaiting an answer; the drifting S47s read with only the columns their row
shows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection

from convene.allocation import work, work_follow_through
from convene.allocation.work_rows import Mine
from tests.allocation.test_my_work_queries import _authorised_record
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _sent(make_record, people, count):
    """``count`` records sent to alice and carol, an hour apart: the list's order."""
    from convene.records import services as records

    made = []
    for i in range(count):
        record = _authorised_record(make_record, people, invitees=("alice", "carol"))
        records.record_distribute(
            record=record, by=people["bob"], now=record.held_at + timedelta(hours=i)
        )
        made.append(record)
    return made


def test_records_to_confirm_are_listed_in_the_order_sent_a_page_at_a_time(
    make_record, people, monkeypatch
):
    made = _sent(make_record, people, 3)
    now = made[-1].held_at + timedelta(days=1)
    wanted = [f"Confirm the record of {r.discussion.reference}" for r in made]
    for page in (1, 2, 50):
        monkeypatch.setattr(work, "ROWS_PER_SECTION", page)
        for name in ("alice", "carol"):
            assert [r.what for r in work._to_confirm(people[name], now)] == wanted[:page]
        # Not invited, or the chair who authorised them: nothing to confirm.
        for name in ("dev", "bob"):
            assert work._to_confirm(people[name], now) == [], (name, page)


def test_records_to_confirm_start_from_my_own_rows_and_a_confirmed_one_leaves(
    make_record, people, monkeypatch
):
    """Two queries: my attendance rows still awaiting an answer (by the partial index), then
    need-to-know of those versions alone. Never a walk of the sent versions or of every
    invitation I ever had (57–75 ms for a police officer's 5,023, issue 15)."""
    from convene.records import services as records

    made = _sent(make_record, people, 2)
    now = made[-1].held_at + timedelta(days=1)
    monkeypatch.setattr(work, "ROWS_PER_SECTION", 1)
    carol = people["carol"]
    work._to_confirm(carol, now)  # the person's roles and partnerships read once
    with CaptureQueriesContext(connection) as found:
        first = work._to_confirm(carol, now)
    mine, versions = [q["sql"] for q in found.captured_queries][-2:]
    assert re.match(
        r'SELECT "records_attendance"\."version_id" .* FROM "records_attendance" ', mine
    )
    assert '"awaiting_since" IS NOT NULL' in mine, mine
    assert "discussions_invitation" not in mine, mine
    assert "records_recordversion" in versions, versions
    assert [r.what for r in first] == [f"Confirm the record of {made[0].discussion.reference}"]
    records.record_confirm(
        record=made[0], accurate=True, comment="", by=carol, now=now - timedelta(hours=1)
    )
    assert [r.what for r in work._to_confirm(carol, now)] == [
        f"Confirm the record of {made[1].discussion.reference}"
    ]


def test_a_drifting_enquiry_row_reads_no_more_per_row(enquiry, people):
    """Only the row's columns are read (the child's names, the decision's date): naming the
    child or dating the row asks nothing more of the database."""
    started = enquiry()
    late = started.started_at + timedelta(days=30)
    wanted = f"S47 enquiry {started.reference} has no conference date"
    for name in ("bob", "alice"):
        user = people[name]
        mine = Mine.of(user)
        work_follow_through.s47s_drifting(user, mine, late)  # memoised look-ups warmed
        with CaptureQueriesContext(connection) as found:
            rows = work_follow_through.s47s_drifting(user, mine, late)
        if any(r.what == wanted for r in rows):
            break
    else:
        pytest.fail("the drifting enquiry is nobody's work")
    (row,) = [r for r in rows if r.what == wanted]
    assert row.child == f"{started.child.first_name} {started.child.last_name}"
    # The partnerships, then the drifting enquiries with their children and decisions.
    assert len(found.captured_queries) == 2, [q["sql"] for q in found.captured_queries]
    # Not the record version's snapshot and PDF, nor the discussion's columns.
    drifting = found.captured_queries[-1]["sql"]
    assert '"snapshot"' not in drifting
    assert '"discussions_discussion"."venue"' not in drifting


def test_unsent_versions_are_the_versions_selectors_unsent_rows(make_record, people):
    """``unsent_record_versions_visible_to`` (My work's versions to send) leaves out the
    invited's half of ``record_versions_visible_to``: the same rows for everyone."""
    from convene.records.models import RecordVersion
    from convene.records.selectors import (
        record_versions_visible_to,
        unsent_record_versions_visible_to,
    )

    unsent = _authorised_record(make_record, people, invitees=("alice", "carol"))
    (sent,) = _sent(make_record, people, 1)
    restricted = _authorised_record(
        make_record,
        people,
        invitees=("carol",),
        categories=["allegation_against_staff"],
        named=["hana"],
    )
    assert RecordVersion.objects.filter(distributed_at__isnull=True).count() == 2
    assert sent.versions.filter(distributed_at__isnull=False).exists()
    for name in ("alice", "bob", "hana", "carol", "dev"):
        for per_row in (False, True):
            full = record_versions_visible_to(user=people[name], per_row=per_row)
            expected = sorted(full.filter(distributed_at__isnull=True).values_list("pk", flat=True))
            shown = unsent_record_versions_visible_to(user=people[name], per_row=per_row)
            assert sorted(shown.values_list("pk", flat=True)) == expected, (name, per_row)
    bob = unsent_record_versions_visible_to(user=people["bob"])
    assert set(bob.values_list("record", flat=True)) >= {unsent.pk}
    assert not unsent_record_versions_visible_to(user=people["carol"]).exists()
    assert restricted.discussion.referral.restricted


def test_a_teams_cases_are_asked_by_its_members_keys(people):
    """``team_mates`` lists the keys it read, so a team's cases are ``held_by IN (2, 5)``:
    PostgreSQL walks the indexes on who holds and who chairs, where ``IN (SELECT ...)``
    under the ``OR`` tested every scheduled meeting it read (issue 15)."""
    from convene.allocation.selectors import people_keys, team_mates
    from convene.allocation.work_rows import mine_or_chaired
    from convene.discussions.models import Discussion
    from convene.people.models import Professional

    mates = team_mates(user=people["bob"])
    assert people_keys(mates) == list(mates.order_by("pk").values_list("pk", flat=True))
    sql = str(mine_or_chaired(Discussion.objects.all(), mates).query)
    assert "people_professional" not in sql, sql
    anyone = Professional.objects.filter(pk=people["bob"].pk)  # not listed: a subquery
    assert "people_professional" in str(mine_or_chaired(Discussion.objects.all(), anyone).query)
