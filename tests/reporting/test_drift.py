"""Drift (issue 13): S47 enquiries past 15 working days with no conference date (the
census's 8675Q, ``followup.census.s47_drifting``), records not distributed and outcome
notices not sent, each row linking to the case.

The enquiry's discussion is held on Thursday 2 April 2026, before Easter: Good Friday (3rd)
and Easter Monday (6th) are bank holidays, so its 15th working day is Monday 27 April. It is
not drifting that evening, and is from Tuesday 28 April.
"""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from convene.policy.vocab import ClockKind
from convene.reporting.access import report_scope
from convene.reporting.selectors import drift_counts, drifting_s47s
from convene.workdays.timescales import end_of_day
from tests.clocks.helpers import make_clock
from tests.followup.conftest import london

pytestmark = pytest.mark.django_db
DRIFT = reverse("reporting:drift")
HELD = london(2026, 4, 2, 13, 0)


@pytest.mark.parametrize(
    ("now", "drifting"),
    [
        (london(2026, 4, 27, 18, 0), False),  # exactly 15 working days, over Easter
        (london(2026, 4, 28, 9, 0), True),
    ],
)
def test_an_s47_with_no_conference_date_drifts_after_15_working_days(
    enquiry, people, now, drifting
):
    started = enquiry(held_at=HELD)
    scope = report_scope(user=people["hana"])
    assert (list(drifting_s47s(user=people["hana"], scope=scope, now=now)) == [started]) is drifting


def test_the_drift_page_lists_and_links_each_row(
    client, people, partnership, enquiry, referral_for
):
    started = enquiry(held_at=HELD)
    referral = referral_for()
    for kind in (ClockKind.RECORD_DISTRIBUTED, ClockKind.OUTCOME_NOTIFIED):
        make_clock(
            partnership,
            started_at=london(2026, 4, 20, 9),
            due_at=end_of_day(london(2026, 4, 21).date()),
            kind=kind,
            subject=referral,
            summary=f"{kind.value} within 1 working day",
        )
    with time_machine.travel(london(2026, 4, 28, 9, 0), tick=False):
        scope = report_scope(user=people["hana"])
        counts = drift_counts(user=people["hana"], scope=scope, now=london(2026, 4, 28, 9, 0))
        # Each: the clock made here, and the enquiry's own discussion's (authorised on
        # 2 April, never distributed nor its outcome sent).
        assert counts[:2] == [
            ("record_distributed", "Records not distributed", 2),
            ("outcome_notified", "Outcome notices not sent", 2),
        ]
        client.force_login(people["hana"])
        page = client.get(DRIFT).content.decode()
        filtered = client.get(DRIFT, {"kind": "record_distributed"}).content.decode()
    assert reverse("followup:s47", args=[started.pk]) in page
    assert started.child.full_name in page
    assert "Records not distributed: 2" in page
    assert "Outcome notices not sent: 2" in page
    assert referral.get_absolute_url() in filtered
    assert "outcome_notified within 1 working day" not in filtered


def test_a_partner_sees_no_s47_list(client, people, enquiry):
    enquiry(held_at=HELD)
    with time_machine.travel(london(2026, 4, 28, 9, 0), tick=False):
        # A partner sees no S47 list at all (their reports are their agency's).
        client.force_login(people["carol"])
        page = client.get(DRIFT).content.decode()
    assert "Section 47 enquiries with no conference date" not in page
