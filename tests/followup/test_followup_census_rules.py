"""The CIN census rules at entry (issue 13; convene.followup.census): a conference on a
weekday (DfE 8875), not before the S47 began (8615), one open S47 per child (8890, 8839), and
an enquiry open past 15 working days with no conference date is drift (8675Q)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from convene.core.errors import Conflict, Invalid
from convene.followup import census
from convene.followup.conferences.services import icpc_confirm, icpc_held, icpc_set_date
from convene.followup.models import Icpc, S47Enquiry
from tests.followup.conftest import london, outcome, visit

pytestmark = pytest.mark.django_db

# Wednesday 25 March 2026; 15 working days on, past Easter, is Friday 17 April.
HELD = datetime(2026, 3, 25, 13, 0, tzinfo=UTC)


@pytest.fixture
def confirmed(enquiry, people) -> Icpc:
    started = enquiry(held_at=HELD, legal_status="child_in_need")
    visited = visit(started, people, at=HELD + timedelta(hours=2))
    done = outcome(visited, people, "significant_harm", now=HELD + timedelta(days=5))
    assert done.icpc is not None
    return icpc_confirm(icpc=done.icpc, by=people["hana"], now=HELD + timedelta(days=6))


def test_8875_a_conference_on_a_weekend_is_refused_and_nothing_written(confirmed, people):
    with pytest.raises(Invalid, match="Saturday 11 April 2026 is a weekend") as refused:
        icpc_set_date(
            icpc=confirmed,
            conference_at=london(2026, 4, 11, 10, 0),
            venue="Riverside House",
            by=people["alice"],
            now=HELD + timedelta(days=6),
        )
    assert refused.value.field == "conference_at"
    assert "8875" not in refused.value.message  # the rule number is under "Why?"
    assert "8875" in census.WHY["icpc_weekend"]
    confirmed.refresh_from_db()
    assert (confirmed.state, confirmed.conference_at) == ("confirmed", None)


def test_8875_held_on_a_sunday_is_refused(confirmed, people):
    dated = icpc_set_date(
        icpc=confirmed,
        conference_at=london(2026, 4, 10, 10, 0),
        venue="Riverside House",
        by=people["alice"],
        now=HELD + timedelta(days=6),
    )
    with pytest.raises(Invalid, match="weekend"):
        icpc_held(
            icpc=dated,
            held_at=london(2026, 4, 12, 10, 0),
            by=people["alice"],
            now=london(2026, 4, 13),
        )
    dated.refresh_from_db()
    assert dated.state == "date_set"


def test_8615_a_conference_before_the_s47_started_is_refused(confirmed, people):
    with pytest.raises(Invalid, match="before the Section 47 enquiry started on Wednesday 25"):
        icpc_set_date(
            icpc=confirmed,
            conference_at=london(2026, 3, 24, 10, 0),
            venue="Riverside House",
            by=people["alice"],
            now=HELD - timedelta(days=2),
        )
    confirmed.refresh_from_db()
    assert confirmed.state == "confirmed"


def test_8890_a_second_open_s47_for_the_child_is_refused(enquiry, people):
    first = enquiry(held_at=HELD, legal_status="child_in_need")
    with pytest.raises(Conflict, match="already has an open Section 47 enquiry"):
        census.check_no_open_s47([first.child])
    # Its own discussion's other children are not "another" enquiry.
    census.check_no_open_s47([first.child], exclude_discussion=first.discussion_id)
    visited = visit(first, people, at=HELD + timedelta(hours=2))
    outcome(visited, people, "no_further_action", now=HELD + timedelta(days=5))
    census.check_no_open_s47([first.child])  # concluded: ICPC not required


def test_8890_an_enquiry_awaiting_its_conference_is_still_open(confirmed):
    child = confirmed.enquiries.get().child
    with pytest.raises(Conflict):
        census.check_no_open_s47([child])


@pytest.mark.parametrize(
    ("now", "drifting"),
    [
        (london(2026, 4, 17, 18, 0), False),  # the 15th working day
        (london(2026, 4, 18, 9, 0), True),  # the Saturday after
        (london(2026, 4, 20, 9, 0), True),
    ],
)
def test_8675Q_open_past_15_working_days_with_no_date_is_drift(enquiry, now, drifting):
    started = enquiry(held_at=HELD)
    found = census.s47_drifting(S47Enquiry.objects.all(), policy_id="warwickshire", now=now)
    assert (list(found) == [started]) is drifting


def test_8675Q_drift_due_at_is_the_same_rule_as_the_drift_list():
    """8675Q, R002.12: the due date My work shows for a drifting enquiry is the last moment
    ``s47_drifting`` leaves it out (the 15th working day, past Easter), from one rule."""
    due = census.drift_due_at(decided_at=HELD, policy_id="warwickshire")
    assert due == london(2026, 4, 17, 23, 59)
    assert census.drift_cutoff(policy_id="warwickshire", now=due).isoformat() == "2026-03-25"
    after = census.drift_cutoff(policy_id="warwickshire", now=due + timedelta(minutes=1))
    assert after.isoformat() > "2026-03-25"


def test_8675Q_a_conference_date_or_no_conference_needed_is_not_drift(confirmed, people):
    late = london(2026, 5, 4, 9, 0)
    qs = S47Enquiry.objects.all()
    assert list(census.s47_drifting(qs, policy_id="warwickshire", now=late)) == [
        confirmed.enquiries.get()
    ]
    icpc_set_date(
        icpc=confirmed,
        conference_at=london(2026, 4, 16, 10, 0),
        venue="Riverside House",
        by=people["alice"],
        now=HELD + timedelta(days=6),
    )
    assert not census.s47_drifting(qs, policy_id="warwickshire", now=late).exists()
