"""Review strategy discussions only for new information that affects the plan (R004.5)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.discussions.models import Discussion
from convene.followup.models import ReviewRequest
from convene.followup.reviews.services import review_discussion_request
from convene.workdays import london_date
from tests.followup.conftest import HELD_AT, clocks_of

pytestmark = pytest.mark.django_db

LATER = HELD_AT + timedelta(days=7)


@pytest.mark.parametrize(
    ("status", "meeting"),
    [
        ("none", "the child in need meeting"),
        ("child_in_need", "the child in need meeting"),
        ("child_protection_plan", "the child protection core group meeting"),
        ("child_in_care", "the child in care review"),
        ("care_leaver", "the pathway plan review"),
    ],
)
def test_R004_5_refused_without_new_information_naming_where_progress_is_tracked(
    make_record, people, status, meeting
):
    record = make_record(legal_status=status)
    with pytest.raises(Invalid) as refused:
        review_discussion_request(
            discussion_or_child=record.discussion,
            new_information="  ",
            effect_on_plan="",
            by=people["bob"],
            now=LATER,
        )
    # Plain words (issue 18): the rule, not its id.
    assert "only when new information affects the safeguarding plan" in refused.value.message
    assert f"tracked at {meeting}." in refused.value.message
    assert refused.value.field == "new_information"
    assert not ReviewRequest.objects.exists()
    assert Discussion.objects.count() == 1


def test_R004_5_refused_when_the_effect_on_the_plan_is_not_recorded(make_record, people):
    record = make_record(legal_status="child_protection_plan")
    with pytest.raises(Invalid, match="core group") as refused:
        review_discussion_request(
            discussion_or_child=record.discussion,
            new_information="Father has returned to the home",
            effect_on_plan="",
            by=people["bob"],
            now=LATER,
        )
    assert refused.value.field == "effect_on_plan"


def test_R004_5_allowed_with_new_information_convenes_a_review_with_its_own_clock(
    make_record, people
):
    record = make_record()  # Halton: convene within 3 working days of the request
    request = review_discussion_request(
        discussion_or_child=record.discussion,
        new_information="Father has returned to the home",
        effect_on_plan="The safety plan relied on him living elsewhere",
        by=people["bob"],
        now=LATER,
    )
    review = request.review
    assert review.state == "requested"
    assert review.referral == record.discussion.referral
    assert set(review.children.all()) == set(record.discussion.children.all())
    assert review.kind == record.discussion.kind
    clock = clocks_of(review)["convene"]
    assert clock.started_at == LATER
    # Wednesday 11 March + 3 working days: Thursday, Friday, Monday.
    assert london_date(clock.due_at) == date(2026, 3, 16)
    with pytest.raises(Conflict, match="already arranged"):
        review_discussion_request(
            discussion_or_child=record.discussion,
            new_information="More",
            effect_on_plan="More",
            by=people["bob"],
            now=LATER,
        )


def test_R004_5_immediate_risk_review_is_convened_the_same_day(make_record, people):
    record = make_record()
    request = review_discussion_request(
        discussion_or_child=record.discussion.children.get(),
        new_information="Disclosure at school today",
        effect_on_plan="Child cannot go home tonight",
        immediate_risk=True,
        by=people["bob"],
        now=LATER,
    )
    assert request.discussion == record.discussion
    clock = clocks_of(request.review)["convene"]
    assert london_date(clock.due_at) == london_date(LATER)


def test_review_only_by_a_manager_after_a_discussion_was_held(make_record, people, referral_for):
    record = make_record()
    for name in ("alice", "carol", "ivy", "nick"):
        with pytest.raises(NotAllowed):
            review_discussion_request(
                discussion_or_child=record.discussion,
                new_information="New",
                effect_on_plan="Changes it",
                by=people[name],
                now=LATER,
            )
    child = referral_for().children.get()
    with pytest.raises(Invalid, match="no strategy discussion to review"):
        review_discussion_request(
            discussion_or_child=child,
            new_information="New",
            effect_on_plan="Changes it",
            by=people["bob"],
            now=LATER,
        )
