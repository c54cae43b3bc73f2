"""Every page that shows a child's data writes an audit entry: generated from the route rules.

Walks every GET case of the route × persona matrix (tests/<app>/route_rules.py) and, for
each persona the rules let in (200), checks that the page left an entry in the audit log:
a look naming the child for a page about a child, or one "search" entry for a list (a list
is one look, however many children it names). A page that shows no child's data says why
in ``NO_CHILD_DATA``; a new page with neither fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from convene.audit.models import LOOKS, Action, AuditEntry
from convene.people.personas import HOME, NEIGHBOUR
from tests.access_matrix import PERSONAS, Case, World
from tests.conftest import make_agencies, make_partnerships, make_people
from tests.core.test_route_matrix import RULES
from tests.matrix_world import build_world

# Route (or "route[case label]") → why the page shows no child's data, so writes no entry.
NO_CHILD_DATA = {
    "accounts:login": "the sign-in form",
    "api_access:api-tokens": "the person's own API tokens",
    "reminders:notification-list": "notification subjects carry no names or free text (by design)",
    "reminders:deliveries-failed": "email subjects and recipients only: no names or free text",
    "api_access:webhooks": "the partnership's webhook addresses: no child data",
    "api_access:webhook-detail": "an address and its delivery log: event names and ids only",
    "healthz": "a load balancer's check: no data at all",
    "reporting:dashboard": "partnership figures: counts, naming no child",
    "reporting:download[timeliness as CSV]": "figures only (audited as an export)",
    "reporting:download[attendance as XLSX]": "figures only (audited as an export)",
    "returns:index[default]": "the choice of return: no child named",
    "returns:index[a bad year]": "the choice of return with an error: no child named",
    # A return names many children: one Exported entry (tests/returns/test_returns_page.py).
    "returns:index[the census]": "a download, audited as one export",
    "returns:index[list 5]": "a download, audited as one export",
    "reporting:download[drifting S47 enquiries as CSV]": "a download, audited as one export",
    "reporting:download[attendance exceptions' reasons as CSV]": "a download (one export)",
    "clocks:escalation-raise[default]": "an empty form (with a timescale: its subject, audited)",
    # The referral being recorded is the person's own unsaved draft (in their session);
    # the children in it were found through the children search, which is audited.
    "referrals:new": "the person's own unsaved referral",
    "referrals:step": "the person's own unsaved referral",
    "referrals:new-child": "the person's own unsaved referral",
    "referrals:check": "the person's own unsaved referral",
    "referrals:children[default]": "the person's own unsaved referral (a search is audited)",
}
# Pages about something that need not concern a child: an entry naming it is enough.
ABOUT_NO_CHILD = {
    "clocks:escalation-detail": "an escalation raised by hand may be about no timescale or child",
}
READ = {action.value for action in LOOKS}


def _exempt(name: str, case: Case, table: dict[str, str]) -> bool:
    return name in table or f"{name}[{case.label}]" in table


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        partnerships = make_partnerships()
        agencies = make_agencies()
        yield build_world(
            people=make_people(agencies),
            partnership=partnerships[HOME],
            neighbour=partnerships[NEIGHBOUR],
            agencies=agencies,
        )
        transaction.set_rollback(True)


GETS = [
    (name, case)
    for name, cases in sorted(RULES.items())
    for case in cases
    if case.method == "get" and any(case.expect[p].status == 200 for p in PERSONAS)
]


def test_the_allow_lists_name_real_pages():
    known = {name for name, _ in GETS} | {f"{name}[{case.label}]" for name, case in GETS}
    stale = (set(NO_CHILD_DATA) | set(ABOUT_NO_CHILD)) - known
    assert not stale, f"allow-listed pages that no case opens: {sorted(stale)}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "case"), GETS, ids=[f"{n}[{c.label}]" for n, c in GETS])
def test_every_page_showing_a_child_is_audited(client, world, name, case):
    url = reverse(name, kwargs=case.kwargs(world))
    exempt = _exempt(name, case, NO_CHILD_DATA)
    missing = []
    for persona in PERSONAS:
        if case.expect[persona].status != 200:
            continue
        client.cookies.clear()
        user = world.people[persona]
        client.force_login(user)
        last = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
        response = client.get(url, case.data(world))
        assert response.status_code == 200, f"{persona}: {response.status_code}"
        new = list(AuditEntry.objects.filter(sequence__gt=last or 0, actor=user))
        if exempt:
            continue
        if any(entry.action == Action.SEARCH for entry in new):
            continue  # a list: one entry for the page
        looks = [entry for entry in new if entry.action in READ]
        if any(entry.child_id for entry in looks):
            continue
        if looks and all(e.object_type for e in looks) and _exempt(name, case, ABOUT_NO_CHILD):
            continue
        missing.append(f"  {persona}: {[(e.action, e.child_id, e.summary) for e in new]}")
    assert not missing, f"GET {url} wrote no audit entry naming the child:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_a_list_page_writes_one_entry_however_many_children_it_shows(client, world):
    """Reads stay cheap: a list is one entry, not one per child (as the search is)."""
    bob = world.people["bob"]
    client.force_login(bob)
    for name in ("followup:actions", "followup:s47-list", "clocks:escalation-list"):
        last = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
        assert client.get(reverse(name)).status_code == 200
        new = AuditEntry.objects.filter(sequence__gt=last or 0)
        assert [(e.action, e.child_id) for e in new] == [(Action.SEARCH.value, None)], name
