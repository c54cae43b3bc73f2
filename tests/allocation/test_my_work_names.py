"""My work names every row's children in one query per kind of subject, and links each row
by one ``reverse`` per section (issue 15): the same names and addresses as before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from convene.allocation import work, work_escalations, work_follow_through
from convene.allocation.work import work_for
from convene.allocation.work_escalations import escalations_to_answer
from convene.allocation.work_rows import Mine, link_to
from convene.people.factories import ChildFactory
from convene.referrals.services import referral_accept
from tests.convening import make_referral
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# Where a query names the children of listed subjects (a prefetch did so too).
NAMING = (
    '"referrals_referralchild"."referral_id" IN (',
    '"discussions_discussion_children"."discussion_id" IN (',
)


def test_children_are_named_by_last_then_first_name(people, partnership, agencies):
    now = timezone.now()
    twins = [
        ChildFactory(partnership=partnership, first_name=first, last_name=last)
        for first, last in (("Zak", "Adams"), ("Amy", "Young"), ("Bea", "Adams"))
    ]
    referral = make_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        by="alice",
        now=now,
        received_at=now - timedelta(minutes=5),
        children=twins,
    )
    (row,) = [r for r in work_for(user=people["bob"], now=now) if referral.reference in r.what]
    assert row.child == "Bea Adams, Zak Adams, Amy Young"
    assert row.children_of is None


def test_every_rows_children_take_one_query_per_kind_of_subject(people, partnership, agencies):
    """Referrals to triage and to convene (two sections): their children named together."""
    now = timezone.now()
    for i in range(4):
        referral = make_referral(
            people=people,
            partnership=partnership,
            agencies=agencies,
            by="bob",
            now=now,
            received_at=now - timedelta(minutes=5),
        )
        if i % 2:
            referral_accept(
                referral=referral, by=people["bob"], now=now, expected_version=referral.version
            )
    with CaptureQueriesContext(connection) as captured:
        rows = work_for(user=people["bob"], now=now)
    for section in ("Triage", "Convene"):
        shown = [r for r in rows if r.what.startswith(section)]
        assert len(shown) == 2, (section, rows)
        assert all(r.child for r in shown), shown
    naming = [q["sql"] for q in captured.captured_queries if any(n in q["sql"] for n in NAMING)]
    assert len(naming) == 1, naming


@pytest.mark.parametrize(
    ("url_name", "keys"),
    [("referrals:triage", (7,)), ("records:resolve", (12, 3)), ("followup:s47", (987_654,))],
)
def test_a_link_is_what_reverse_writes(url_name, keys):
    url = link_to(url_name)
    assert url(*keys) == reverse(url_name, args=keys)
    assert url(*(k + 1 for k in keys)) == reverse(url_name, args=[k + 1 for k in keys])


# What only the sections of a person's own cases build (not the triage queue, invitations,
# records to confirm, actions, escalations, or a manager's HRPM decisions).
OWN_CASES_ONLY = [
    (work, "referrals_visible_to"),  # to convene (a manager's triage: none here)
    (work, "discussions_visible_to"),  # to hold
    (work, "record_drafts_visible_to"),
    (work, "unsent_record_versions_visible_to"),
    (work, "s47_rows"),
    (work, "hrpms_visible_to"),
    (work_follow_through, "discussions_visible_to"),  # outcomes untold
    (work_follow_through, "record_versions_visible_to"),  # records to correct
    (work_follow_through, "s47_drifting"),
    (work_follow_through, "care_plan_reviews_due"),
    # A manager's step: neither a worker nor an auditor may take it.
    (work_follow_through, "s47s_of_teams_of"),
]


@pytest.mark.parametrize("persona", ["nick", "ivy"])
def test_someone_holding_nothing_builds_no_section_of_their_own_cases(
    people, partnership, agencies, persona, monkeypatch
):
    """A worker with no cases, an auditor: the sections that filter by their own cases are
    empty, and so are a manager's steps, so none of them is built (a few ms of CPU each,
    issue 15)."""
    make_referral(people=people, partnership=partnership, agencies=agencies, by="alice")
    user = people[persona]
    assert not any(Mine.of(user).holds(kind) for kind in ("referrals", "discussions", "s47s"))

    def built(*args, **kwargs):
        raise AssertionError("a section of their own cases was built")

    for module, name in OWN_CASES_ONLY:
        monkeypatch.setattr(module, name, built)
    assert work_for(user=user, now=timezone.now()) == []


def test_someone_addressed_by_no_escalation_builds_no_need_to_know_of_escalations(
    people, monkeypatch
):
    def built(*args, **kwargs):
        raise AssertionError("need-to-know of escalations was built")

    monkeypatch.setattr(work_escalations, "escalations_visible_among", built)
    assert escalations_to_answer(people["dev"], timezone.now()) == []
