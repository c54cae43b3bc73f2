"""My work at scale (issue 15): its lists never load what they do not show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.columns_read import columns_read
from tests.convening import scheduled_discussion
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_my_work_never_reads_a_referrals_policy_explanation(
    client, people, referral_for, accepted_for
):
    """The explanation is tens of KB of JSON per referral: parsing it for My work's 300 rows
    took seconds at 5,000 discussions. Every queue still lists its case."""
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    waiting = referral_for(now=now, received_at=hour_ago)
    to_convene = accepted_for(now=now, received_at=hour_ago)
    meeting = scheduled_discussion(
        referral=accepted_for(now=now, received_at=hour_ago), people=people, now=now
    )
    client.force_login(people["bob"])
    client.get("/my-work/")
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/my-work/").content.decode()
    assert not [q for q in captured.captured_queries if '"explanation"' in q["sql"]]
    # Nor the referral's other long columns, which the queues never show either.
    assert not columns_read(
        captured, '"referrals_referral"."account"', '"referrals_referral"."triage_conversation"'
    )
    for case in (waiting, to_convene, meeting):
        assert case.reference in html
