"""Auditors read and never write, even an auditor who also holds a role that writes.

docs/access.md, rule 5. The route matrix's auditor (ivy) holds only the auditor
role; this is the harder case: an auditor who is also a team manager and a
social worker, so every role check alone would let them through. Each write
predicate asks the permission layer (``access.is_read_only``), so the pages
refuse them (403) and so do the services behind the pages and the API.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from convene.clocks.escalations import escalation_raise
from convene.clocks.models import Escalation
from convene.clocks.selectors import escalation_may_act, is_social_care_manager
from convene.core.errors import NotAllowed
from convene.people.factories import ProfessionalFactory
from convene.people.vocab import Role
from convene.records import services as records
from convene.records.policy import may_authorise, may_chair
from convene.referrals.selectors import may_decide_and_convene, may_record_referrals
from convene.referrals.services import referral_accept
from tests.convening import NOW, accepted_referral, make_referral, scheduled_discussion

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_manager(people):
    return ProfessionalFactory(
        username="quinn",
        agency=people["bob"].agency,
        roles=[Role.AUDITOR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER],
    )


@pytest.fixture
def case(people, partnership, agencies):
    awaiting = make_referral(people=people, partnership=partnership, agencies=agencies)
    triaged = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    discussion = scheduled_discussion(
        referral=triaged, people=people, invitees=("carol",), allow_missing_required=True
    )
    escalation = escalation_raise(
        by=people["carol"],
        partnership=partnership,
        direction=Escalation.Direction.PARTNER_TO_SOCIAL_CARE,
        what_is_late="Discussion not convened",
        details="Requested three days ago",
        now=NOW,
    )
    return awaiting, triaged, discussion, escalation


def test_no_write_predicate_lets_an_auditor_through(auditor_manager, partnership, case):
    _, _, discussion, escalation = case
    assert not may_record_referrals(user=auditor_manager)
    assert not may_decide_and_convene(user=auditor_manager)
    assert not may_chair(auditor_manager, discussion)
    assert not may_authorise(auditor_manager, discussion)
    assert not is_social_care_manager(user=auditor_manager, partnership=partnership)
    assert not escalation_may_act(user=auditor_manager, escalation=escalation)


def test_every_write_page_refuses_an_auditor_who_is_also_a_manager(client, auditor_manager, case):
    awaiting, triaged, discussion, escalation = case
    client.force_login(auditor_manager)
    # They read what their partnership's social care reads...
    for url in (
        reverse("referrals:detail", args=[triaged.pk]),
        reverse("discussions:detail", args=[discussion.pk]),
        reverse("clocks:escalation-detail", args=[escalation.pk]),
    ):
        assert client.get(url).status_code == 200, url
    # ...and change nothing.
    for url in (
        reverse("referrals:new"),
        reverse("referrals:step", args=["received"]),
        reverse("referrals:triage", args=[awaiting.pk]),
        reverse("discussions:convene", args=[triaged.pk]),
        reverse("discussions:reschedule", args=[discussion.pk]),
        reverse("discussions:invite", args=[discussion.pk]),
        reverse("discussions:cancel", args=[discussion.pk]),
        reverse("records:hold", args=[discussion.pk]),
        reverse("clocks:escalation-raise"),
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("clocks:escalation-acknowledge", args=[escalation.pk]),
        reverse("clocks:escalation-resolve", args=[escalation.pk]),
    ):
        assert client.post(url, {"outcome": "Convened for tomorrow"}).status_code == 403, url
    escalation.refresh_from_db()
    assert escalation.state == Escalation.State.RAISED


def test_the_services_refuse_an_auditor_who_is_also_a_manager(auditor_manager, people, case):
    awaiting, _, discussion, _ = case
    with pytest.raises(NotAllowed):
        referral_accept(
            referral=awaiting, by=auditor_manager, now=NOW, expected_version=awaiting.version
        )
    with pytest.raises(NotAllowed):
        records.discussion_hold(
            discussion=discussion,
            held_at=NOW + timedelta(hours=3),
            by=auditor_manager,
            now=NOW + timedelta(hours=4),
        )


# Routes an auditor may post to: their own sign-in, tokens and notifications, not case records.
AUDITOR_MAY_POST = {
    "accounts:login",
    "accounts:logout",
    "accounts:sign-in-code",
    "accounts:sign-in-set-up",
    "api_access:api-tokens",
    "api_access:api-token-revoke",
    "reminders:notifications-read",
}


WRITERS = ("bob", "hana", "alice", "carol", "erin")


def _takes_a_form(client, world, url: str) -> bool:
    """Does the page at ``url`` show someone who writes a form that posts back to it?"""
    for persona in WRITERS:
        client.force_login(world.people[persona])
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            page = response.content.decode()
            for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>", page, re.I):
                action = re.search(r'action="([^"]*)"', form)
                if action is None or action.group(1) in ("", url):
                    return True
    return False


@pytest.fixture
def ivy_posts(client, world):
    """Every write route of the matrix (a POST case, or a page whose form posts back to it)."""
    from tests.core.test_route_matrix import RULES

    writes = []
    for name, cases in sorted(RULES.items()):
        if name in AUDITOR_MAY_POST:
            continue
        for case in cases:
            url = reverse(name, kwargs=case.kwargs(world))
            if case.method == "post" or _takes_a_form(client, world, url):
                writes.append((f"{name} [{case.label}] {url}", url, case.data(world)))
    assert len(writes) > 30, writes  # the walk found the write routes
    client.force_login(world.people["ivy"])
    return {label: client.post(url, data) for label, url, data in writes}


def test_an_auditor_posting_any_write_form_gets_403(ivy_posts):
    """Issue 12 point 8: every route in the route × persona matrix, posted to by the auditor.

    403 everywhere; 404 only where ivy may not see the record (a restricted one, another
    partnership's), and 405 where the route takes no POST at all. Never a 200 with an error
    on the form, never a redirect as if something was done.
    """
    wrong = {
        route: response.status_code
        for route, response in ivy_posts.items()
        if response.status_code not in (403, 404, 405)
    }
    assert not wrong, wrong
