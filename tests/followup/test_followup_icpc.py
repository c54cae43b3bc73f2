"""The ICPC: confirmed with the Head of Service (R001.14), held within 15 working days of the
discussion that decided the S47 (R002.12): met by the date held, late after. Weekends and
bank holidays do not count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from convene.clocks.status import Rag
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.followup.conferences.services import icpc_confirm, icpc_held, icpc_set_date
from convene.followup.enquiries.services import s47_enquiries_start
from convene.followup.models import Icpc, S47Enquiry
from tests.followup.conftest import clocks_of, london, outcome, visit

pytestmark = pytest.mark.django_db

# Wednesday 25 March 2026, 13:00 GMT. Fifteen working days, skipping two weekends, Good
# Friday (3 April) and Easter Monday (6 April) and a third weekend: Friday 17 April.
HELD = datetime(2026, 3, 25, 13, 0, tzinfo=UTC)
DUE = london(2026, 4, 17, 23, 59, 59)


@pytest.fixture
def icpc(enquiry, people) -> Icpc:
    started = enquiry(held_at=HELD, legal_status="child_in_need")
    visited = visit(started, people, at=HELD + timedelta(hours=2))
    done = outcome(visited, people, "significant_harm", now=HELD + timedelta(days=5))
    assert done.icpc is not None
    return done.icpc


def _arrange(icpc: Icpc, people, *, at: datetime, late_reason: str = "") -> Icpc:
    now = HELD + timedelta(days=6)
    icpc = icpc_confirm(icpc=icpc, note="Agreed by phone", by=people["hana"], now=now)
    return icpc_set_date(
        icpc=icpc,
        conference_at=at,
        venue="Riverside House",
        late_reason=late_reason,
        by=people["alice"],
        now=now,
    )


def test_R002_12_icpc_clock_is_15_working_days_past_easter(icpc):
    clock = clocks_of(icpc.discussion)["icpc"]
    assert clock.due_at == DUE
    assert "R002.12" in clock.citation


def test_R002_12_held_on_the_last_day_meets_the_clock(icpc, people):
    icpc = _arrange(icpc, people, at=london(2026, 4, 17, 10, 0))
    held = icpc_held(
        icpc=icpc,
        held_at=london(2026, 4, 17, 10, 0),
        by=people["alice"],
        now=london(2026, 4, 17, 12),
    )
    assert held.state == "held"
    clock = clocks_of(icpc.discussion)["icpc"]
    assert clock.state == "met"
    assert clock.get_status(now=london(2026, 5, 1, 9, 0)) == Rag.MET


def test_R002_12_held_after_the_weekend_is_late_and_needs_a_reason(icpc, people):
    monday = london(2026, 4, 20, 10, 0)
    with pytest.raises(Invalid, match="Friday 17 April 2026"):
        _arrange(icpc, people, at=monday)
    icpc.refresh_from_db()
    icpc = icpc_set_date(
        icpc=icpc,
        conference_at=monday,
        venue="Riverside House",
        late_reason="The reviewing service's first free chair",
        by=people["alice"],
        now=HELD + timedelta(days=6),
    )
    assert icpc.late_reason
    icpc_held(icpc=icpc, held_at=monday, by=people["alice"], now=monday + timedelta(hours=2))
    assert clocks_of(icpc.discussion)["icpc"].get_status(now=london(2026, 5, 1, 9, 0)) == (
        Rag.MET_LATE
    )


def test_R001_14_only_the_head_of_service_confirms(icpc, people):
    now = HELD + timedelta(days=6)
    for name in ("alice", "bob", "dina", "carol", "ivy", "nick"):
        with pytest.raises(NotAllowed, match="Head of Service"):
            icpc_confirm(icpc=icpc, by=people[name], now=now)
    with pytest.raises(Conflict, match="Head of Service before setting the date"):
        icpc_set_date(
            icpc=icpc,
            conference_at=london(2026, 4, 14, 10, 0),
            venue="Riverside House",
            by=people["alice"],
            now=now,
        )
    confirmed = icpc_confirm(icpc=icpc, by=people["hana"], now=now)
    assert (confirmed.state, confirmed.confirmed_by) == ("confirmed", people["hana"])
    with pytest.raises(Conflict, match="already confirmed"):
        icpc_confirm(icpc=confirmed, by=people["hana"], now=now)


def test_icpc_held_needs_a_date_and_a_past_time(icpc, people):
    now = HELD + timedelta(days=6)
    confirmed = icpc_confirm(icpc=icpc, by=people["hana"], now=now)
    with pytest.raises(Conflict, match="Set the date"):
        icpc_held(icpc=confirmed, held_at=now, by=people["alice"], now=now)
    dated = _arrange_date(confirmed, people, now)
    with pytest.raises(Invalid, match="before it is held"):
        icpc_held(icpc=dated, held_at=now + timedelta(hours=1), by=people["alice"], now=now)
    with pytest.raises(NotAllowed):
        icpc_held(icpc=dated, held_at=now, by=people["carol"], now=now)
    with pytest.raises(Conflict, match="changed by"):
        icpc_held(icpc=dated, held_at=now, by=people["alice"], now=now, expected_version=1)


def _arrange_date(icpc: Icpc, people, now: datetime) -> Icpc:
    return icpc_set_date(
        icpc=icpc,
        conference_at=now + timedelta(days=2),
        venue="Riverside House",
        by=people["alice"],
        now=now,
    )


def test_R000_2_siblings_in_need_share_one_conference(s47_decision, people, partnership, agencies):
    from convene.people.factories import ChildFactory
    from convene.people.models import ChildLink

    version = s47_decision(held_at=HELD, legal_status="child_in_need")
    discussion = version.record.discussion
    only = discussion.children.get()
    sibling = ChildFactory(partnership=partnership, legal_status="child_in_need")
    ChildLink.objects.create(from_child=only, to_child=sibling, kind="sibling")
    discussion.children.add(sibling)
    # The sibling joined after the authorisation: the API's start starts what is missing.
    (added,) = s47_enquiries_start(version=version, by=people["alice"], now=HELD)
    assert added.child == sibling
    enquiries = list(S47Enquiry.objects.filter(discussion=discussion).order_by("pk"))
    assert len(enquiries) == 2
    for enquiry in enquiries:
        visited = visit(enquiry, people, at=HELD + timedelta(hours=2))
        outcome(visited, people, "significant_harm", now=HELD + timedelta(days=4))
    (icpc,) = Icpc.objects.all()
    assert set(icpc.enquiries.values_list("child", flat=True)) == {only.pk, sibling.pk}
