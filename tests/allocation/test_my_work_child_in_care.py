"""My work after a S47 outcome for a child in care (issue 18, R000.2c): the care plan review
for whoever holds the enquiry, then the HRPM decision for the managers of the team holding
it; each row goes when its step is done, and nobody sees a row for an enquiry they may not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from convene.allocation.models import Team
from convene.allocation.services import allocation_change
from convene.allocation.work import WorkRow, work_for
from convene.followup.enquiries import services
from convene.followup.models import S47Enquiry
from convene.workdays import london_date
from tests.followup.conftest import outcome

pytestmark = pytest.mark.django_db


def in_care_outcome(enquiry, people, **facts) -> S47Enquiry:
    """A child in care's enquiry whose outcome found continuing risk: the care plan route."""
    done = outcome(
        enquiry(visited=True, legal_status="child_in_care", **facts), people, "significant_harm"
    )
    assert done.route == "care_plan_review"
    return done


def review_care_plan(done: S47Enquiry, people, *, by: str = "alice") -> None:
    now = done.outcome_at + timedelta(hours=1)
    services.care_plan_review_record(
        enquiry=done,
        reviewed_on=london_date(now),
        plan_changes="Placement support increased",
        risk_assessment="Criminal exploitation: county lines",
        young_persons_view="They are my friends",
        by=people[by],
        now=now,
    )


def _rows(people, name: str, now, *, team: bool = False) -> dict[str, WorkRow]:
    return {r.what: r for r in work_for(user=people[name], now=now, team=team)}


def _titles(done: S47Enquiry) -> tuple[str, str]:
    return (
        f"Record the care plan review for S47 enquiry {done.reference}",
        f"Decide whether an HRPM is needed after S47 enquiry {done.reference}",
    )


def test_the_care_plan_review_then_the_hrpm_decision_are_the_right_peoples_work(
    enquiry, people, partnership
):
    duty = Team.objects.create(partnership=partnership, name="Duty team")
    duty.members.add(people["alice"], people["bob"])
    protection = Team.objects.create(partnership=partnership, name="Child protection team")
    protection.members.add(people["hana"])
    done = in_care_outcome(enquiry, people)
    now = done.outcome_at + timedelta(hours=2)
    # Held by alice for the child protection team: bob manages alice's team, hana the team's.
    allocation_change(
        subject=done,
        social_worker=people["alice"],
        team=protection,
        reason="Child in care",
        by=people["bob"],
        now=now,
    )
    review, decide = _titles(done)
    child = f"{done.child.first_name} {done.child.last_name}"

    alice = _rows(people, "alice", now)
    assert alice[review].url == reverse("followup:care-plan", args=[done.pk])
    assert alice[review].child == child
    assert decide not in alice  # not reviewed yet: nothing to decide
    assert review not in _rows(people, "bob", now)  # not his case...
    assert review in _rows(people, "bob", now, team=True)  # ...but his team's
    for name in ("dina", "carol"):  # a manager of no team holding it; a partner
        assert not any(done.reference in what for what in _rows(people, name, now))

    review_care_plan(done, people)
    assert review not in _rows(people, "alice", now)
    assert decide not in _rows(people, "alice", now)  # a social worker does not decide
    for name, team in (("bob", False), ("bob", True), ("hana", False)):
        row = _rows(people, name, now, team=team)[decide]
        assert row.url == reverse("followup:hrpm-decision", args=[done.pk])
        assert row.child == child
        assert review not in _rows(people, name, now, team=team)
    assert not any(done.reference in what for what in _rows(people, "dina", now))

    services.hrpm_decide(
        enquiry=done,
        needed=False,
        reasons="Risk managed in the care plan",
        by=people["hana"],
        now=now,
    )
    for name, team in (("bob", False), ("bob", True), ("hana", False), ("alice", False)):
        assert not any(done.reference in r for r in _rows(people, name, now, team=team))


def test_other_routes_have_no_care_plan_review_row(enquiry, people):
    """A child not in care goes to a conference: no care plan review, no HRPM decision."""
    done = outcome(enquiry(visited=True), people, "significant_harm")
    assert done.route == "icpc"
    now = done.outcome_at + timedelta(hours=1)
    review, decide = _titles(done)
    for name in ("alice", "bob"):
        rows = _rows(people, name, now, team=True)
        assert review not in rows
        assert decide not in rows


def test_a_restricted_enquiry_is_no_row_for_a_team_mate_not_named_on_it(
    enquiry, people, partnership
):
    """An allegation against staff names bob (who holds it) and the LADO; dina manages bob's
    team but is not named: neither the review nor the decision reaches her, nor the child's
    name."""
    team = Team.objects.create(partnership=partnership, name="Duty team")
    team.members.add(people["bob"], people["dina"])
    done = in_care_outcome(
        enquiry, people, categories=("allegation_against_staff",), named=("bob", "lee")
    )
    assert done.discussion.referral.restricted
    now = done.outcome_at + timedelta(hours=2)
    review, decide = _titles(done)
    child = f"{done.child.first_name} {done.child.last_name}"
    assert review in _rows(people, "bob", now)
    assert review in _rows(people, "bob", now, team=True)

    def dina_sees_nothing() -> None:
        for team_view in (False, True):
            rows = work_for(user=people["dina"], now=now, team=team_view)
            assert not any(done.reference in r.what or child in r.child for r in rows)

    dina_sees_nothing()
    review_care_plan(done, people, by="bob")
    assert decide in _rows(people, "bob", now)
    dina_sees_nothing()
