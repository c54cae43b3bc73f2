"""My work's walks for a team manager (issue 15, work15): the records to confirm looked for
first among the soonest sent versions, then from the invitations; the drifting S47s read
with only the columns their row shows. The same rows, in the same order, either way."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene.allocation import work, work_follow_through
from convene.allocation.work_rows import Mine
from tests.allocation.test_my_work_queries import _authorised_record

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


def test_records_to_confirm_are_the_same_from_the_window_or_the_invitations(
    make_record, people, monkeypatch
):
    made = _sent(make_record, people, 3)
    now = made[-1].held_at + timedelta(days=1)
    wanted = [f"Confirm the record of {r.discussion.reference}" for r in made]
    for window in (1, 2, 3, 1000):
        for page in (1, 2, 50):
            monkeypatch.setattr(work, "CONFIRM_WINDOW", window)
            monkeypatch.setattr(work, "ROWS_PER_SECTION", page)
            for name in ("alice", "carol"):
                shown = [r.what for r in work._to_confirm(people[name], now)]
                assert shown == wanted[:page], (name, window, page)
            # Not invited: nothing, whichever way it is looked for.
            assert work._to_confirm(people["dev"], now) == [], (window, page)


def test_a_full_window_is_one_query_and_a_confirmed_record_leaves_it(
    make_record, people, monkeypatch
):
    from convene.records import services as records

    made = _sent(make_record, people, 2)
    now = made[-1].held_at + timedelta(days=1)
    monkeypatch.setattr(work, "ROWS_PER_SECTION", 1)
    carol = people["carol"]
    work._to_confirm(carol, now)  # the person's roles and partnerships read once
    with CaptureQueriesContext(connection) as found:
        first = work._to_confirm(carol, now)
    asked = [q["sql"] for q in found.captured_queries if "records_recordversion" in q["sql"]]
    # The window held the page: no second look from the invitations (the rows' own query,
    # need-to-know asked of them, is the other one).
    assert len(asked) == 2, asked
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


def test_the_window_is_its_versions_keys_not_a_bound_on_their_time(make_record, people):
    """Bounded by a time computed in the query, PostgreSQL could not tell how few versions
    the window lets through and started from a police officer's 5,023 invitations instead
    (56 ms at a million discussions; by the keys, 9.5 ms). The rows are the same
    (``test_records_to_confirm_are_the_same_from_the_window_or_the_invitations``)."""
    made = _sent(make_record, people, 1)
    with CaptureQueriesContext(connection) as found:
        work._to_confirm(people["carol"], made[0].held_at + timedelta(days=1))
    window = next(q["sql"] for q in found.captured_queries if "records_recordversion" in q["sql"])
    assert re.search(r'"records_recordversion"\."id" IN \(SELECT', window), window
    assert "COALESCE" not in window, window
