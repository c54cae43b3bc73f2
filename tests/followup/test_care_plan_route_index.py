"""My work's care plan reviews and HRPM decisions walk a partial index of the enquiries on
the care plan review route (R000.2c; issue 15): by the (partnership, state) index they read
every enquiry with an outcome, 166,455 at a million discussions (38 ms of a team manager's
page) to find none."""

from __future__ import annotations

import pytest
from django.db import connection

from convene.followup.child_in_care import care_plan_reviews_due, hrpm_decisions_due
from convene.followup.enquiries.models import ON_CARE_PLAN_ROUTE
from convene.followup.models import S47Enquiry
from tests.plans import plan_without

pytestmark = pytest.mark.django_db

INDEX = "s47_on_care_plan_route"


def test_the_index_is_of_the_route_the_steps_ask():
    index = next(i for i in S47Enquiry._meta.indexes if i.name == INDEX)
    assert index.condition == ON_CARE_PLAN_ROUTE
    assert index.fields == ["partnership", "outcome_at", "id"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
@pytest.mark.parametrize("due", [care_plan_reviews_due, hrpm_decisions_due])
def test_the_steps_due_walk_the_index_in_the_lists_order(due, partnership):
    listed = due(S47Enquiry.objects.filter(partnership=partnership.pk)).order_by(
        "outcome_at", "pk"
    )[:50]
    plan = plan_without(listed, "seqscan")
    assert f"Index Scan using {INDEX}" in plan, plan
