"""Need-to-know as a per-row EXISTS (``convene.core.access.among``), issue 15.

``key IN (selector)`` under an OR made PostgreSQL build a partnership's whole caseload,
through every nested selector, before showing one row (the escalations list took 31-63 s at
20,000 discussions). ``among`` asks the same question per row: these tests pin that it means
exactly what ``IN`` meant (NULL keys included), and that the visibility filters of the slow
lists no longer carry a nested ``IN (SELECT ...)``.
"""

import pytest

from convene.clocks.selectors import clocks_visible_to, escalations_visible_to
from convene.core.access import among
from convene.discussions.selectors import discussions_visible_to
from convene.followup.actions.selectors import actions_visible_to
from convene.followup.enquiries.selectors import s47_enquiries_visible_to
from convene.people.models import Agency, Professional

pytestmark = pytest.mark.django_db


def test_among_means_what_in_meant_null_keys_included(people, agencies):
    some = Agency.objects.filter(pk__in=[agency.pk for agency in list(agencies.values())[:2]])
    nobody = Professional.objects.create(username="no-agency", first_name="No", last_name="One")
    assert nobody.agency_id is None

    by_exists = set(Professional.objects.filter(among(some, "agency")).values_list("pk", flat=True))
    by_in = set(
        Professional.objects.filter(agency__in=some.values("pk")).values_list("pk", flat=True)
    )
    assert by_exists == by_in
    assert by_exists  # the fixture's people work at those agencies
    assert nobody.pk not in by_exists
    # Probed per row (never hashed by PostgreSQL): the same answer.
    per_row = Professional.objects.filter(among(some, "agency", per_row=True))
    assert set(per_row.values_list("pk", flat=True)) == by_exists

    # Negated, as the notifications page hides notices: NULL keys are hidden by neither.
    not_exists = set(
        Professional.objects.exclude(among(some, "agency")).values_list("pk", flat=True)
    )
    not_in = set(
        Professional.objects.exclude(agency__in=some.values("pk")).values_list("pk", flat=True)
    )
    assert not_exists - {nobody.pk} == not_in - {nobody.pk}

    # An empty selector (an inactive person's) matches nothing, without an error.
    assert not Professional.objects.filter(among(Agency.objects.none(), "agency")).exists()


@pytest.mark.parametrize(
    "selector",
    [
        escalations_visible_to,
        clocks_visible_to,
        discussions_visible_to,
        s47_enquiries_visible_to,
        actions_visible_to,
    ],
)
@pytest.mark.parametrize("username", ["alice", "bob", "ivy"])
def test_caseload_selectors_ask_per_row_not_for_the_whole_caseload(people, selector, username):
    sql = str(selector(user=people[username]).query)
    # Who counts as a colleague for the actions is the stored owning agency (an equality,
    # ``convene.records.owning``), no longer an IN (SELECT ...) of the agency's staff.
    assert "people_professional" not in sql, sql
    # The only IN (SELECT ...) left is the person's partnerships (one or two rows).
    nested = sql.count("IN (SELECT")
    assert nested <= sql.count('FROM "people_partnership"'), sql
