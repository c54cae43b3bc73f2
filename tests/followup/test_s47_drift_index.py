"""Drift lists (the census's 8675Q, ``followup.census.s47_drifting``) walk the enquiries by
when their deciding discussion was held, kept on the enquiry (``decided_at``; issue 15).

Ordered by the record's ``held_at`` through the version, a team manager's My work walked
every record before the cut-off and each one's versions to find the 50 oldest of the 49,616
enquiries they hold: 78,000–92,000 buffers, 110–200 ms at a million discussions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from convene.followup import census
from convene.followup.models import S47Enquiry
from tests.plans import plan_without

pytestmark = pytest.mark.django_db

HELD = datetime(2026, 3, 25, 13, 0, tzinfo=UTC)
LATE = HELD + timedelta(days=40)


def _drifting(queryset):
    return census.s47_drifting(queryset, policy_id="warwickshire", now=LATE)


def test_an_enquiry_is_decided_when_its_discussion_was_held(enquiry):
    started = enquiry(held_at=HELD)
    assert started.decided_at == started.record_version.record.held_at == HELD
    assert started.started_at > started.decided_at  # started when the record was authorised


def test_drift_counts_from_the_decision_kept_on_the_enquiry(enquiry):
    """The list reads the enquiry's own column: the record is never joined to order or
    filter it, and the cut-off falls on the decision, not on when the enquiry started."""
    started = enquiry(held_at=HELD)
    drifting = _drifting(S47Enquiry.objects.all())
    assert "records_record" not in str(drifting.query)
    assert list(drifting) == [started]
    # Decided later (the same enquiry, its decision moved): not yet 15 working days.
    S47Enquiry.objects.filter(pk=started.pk).update(decided_at=LATE - timedelta(days=2))
    assert not _drifting(S47Enquiry.objects.all()).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
@pytest.mark.parametrize(("holder", "index"), [(True, "s47_held_decided"), (False, "s47_decided")])
def test_a_drift_list_walks_its_index_in_the_lists_order(enquiry, holder, index):
    """A holder's own list (My work) walks (held_by, decided_at); a partnership's (the
    reports' drift list) walks (decided_at): the first 50 in order, never a sort of all."""
    started = enquiry(held_at=HELD)
    enquiries = S47Enquiry.objects.filter(partnership=started.partnership_id)
    if holder:
        enquiries = enquiries.filter(held_by=started.held_by_id)
    plan = plan_without(_drifting(enquiries)[:50], "seqscan", "sort", "bitmapscan")
    assert f"Index Scan using {index} on followup_s47enquiry" in plan, plan
