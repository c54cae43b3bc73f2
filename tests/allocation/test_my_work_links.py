"""My work's own links: the start of a case is one click away for those who record concerns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from convene.allocation.work import work_for
from tests.followup.conftest import no_visit_clock, s47_decision  # noqa: F401 - fixtures
from tests.records.conftest import make_record  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("persona", "shown"), [("alice", True), ("carol", False)])
def test_my_work_offers_record_a_concern_to_who_records_referrals(client, people, persona, shown):
    """A social worker starts a case from My work (issue 18); a partner is not offered it."""
    client.force_login(people[persona])
    page = client.get(reverse("allocation:my-work")).content.decode()
    assert (f'href="{reverse("referrals:new")}">Record a concern</a>' in page) is shown


def test_an_s47_with_no_visit_clock_is_still_a_visit_to_make(
    s47_decision,  # noqa: F811
    people,
    no_visit_clock,  # noqa: F811
):
    """Issue 18, R003.8: under a pack with no visit clock (every shipped pack has England's
    default: tests.followup.conftest.no_visit_clock takes it away), the
    enquiry the authorisation started is still on My work, with no deadline, until visited."""
    from convene.followup.models import S47Enquiry
    from tests.followup.conftest import clocks_of, visit

    version = s47_decision(pack="halton")
    started = S47Enquiry.objects.get(record_version=version)
    assert "s47_visit" not in clocks_of(started.discussion)
    now = version.authorised_at + timedelta(minutes=30)
    wanted = f"Visit for S47 enquiry {started.reference}"
    rows = {name: work_for(user=people[name], now=now) for name in ("alice", "bob")}
    holder = next(name for name, rs in rows.items() if any(r.what == wanted for r in rs))
    (row,) = [r for r in rows[holder] if r.what == wanted]
    assert row.url == reverse("followup:s47-visit", args=[started.pk])
    assert row.due_at is None
    visit(started, people, at=now, now=now)
    assert not any(r.what == wanted for r in work_for(user=people[holder], now=now))


@pytest.mark.parametrize(
    ("starts_in", "shown"),
    [
        (timedelta(hours=-26), True),  # started yesterday, never marked held
        (timedelta(hours=1), True),  # after midnight: tomorrow, but within the hour
        (timedelta(hours=23), True),
        (timedelta(hours=25), False),
    ],
)
def test_a_meeting_is_the_chairs_to_hold_from_a_day_ahead_until_marked_held(
    people, partnership, agencies, starts_in, shown
):
    """A meeting shortly after midnight is on My work late in the evening before, and one
    that was never marked held does not drop out of sight the next day."""
    from tests.convening import NOW, accepted_referral, scheduled_discussion

    late_evening = NOW.replace(hour=23, minute=30)
    booked = late_evening + starts_in - timedelta(hours=1)
    referral = accepted_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        now=booked,
        received_at=booked - timedelta(hours=1),
    )
    discussion = scheduled_discussion(
        referral=referral,
        people=people,
        now=booked,
        starts_in=timedelta(hours=1),
        allow_missing_required=True,
    )
    wanted = f"Hold {discussion.get_kind_display().lower()} {discussion.reference}"
    rows = [r for r in work_for(user=people["bob"], now=late_evening) if r.what == wanted]
    assert bool(rows) is shown
    if shown:
        assert rows[0].url == reverse("records:hold", args=[discussion.pk])
        assert (rows[0].status == "overdue") is (starts_in < timedelta(0))
