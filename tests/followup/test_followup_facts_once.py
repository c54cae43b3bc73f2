"""Case facts built once per operation (issue 17): a review request, an HRPM meeting and an HRPM
action each build the case's facts and load its pack where the operation starts, and pass them
down; nothing below builds them again (``referrals.policy.case_policy``)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from types import CodeType, FrameType
from typing import Any

import pytest

from convene.followup.hrpm.services import hrpm_action_add
from convene.followup.reviews.services import review_discussion_request
from convene.referrals import policy
from tests.followup.conftest import HELD_AT, clocks_of, london
from tests.followup.test_followup_hrpm import _create, _meet

pytestmark = pytest.mark.django_db

LATER = HELD_AT + timedelta(days=7)
COUNTED = {
    policy.case_facts.__code__: "case_facts",
    policy.facts_per_child.__code__: "facts_per_child",
    policy.pack_for.__code__: "pack_for",
}


@contextmanager
def calls_counted(codes: dict[CodeType, str]) -> Iterator[Counter[str]]:
    """Count calls of these functions however they were imported (by their code object)."""
    counts: Counter[str] = Counter()

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code in codes:
            counts[codes[frame.f_code]] += 1

    sys.setprofile(profile)
    try:
        yield counts
    finally:
        sys.setprofile(None)


def test_a_review_request_builds_the_facts_and_loads_the_pack_once(make_record, people):
    record = make_record()
    with calls_counted(COUNTED) as counts:
        request = review_discussion_request(
            discussion_or_child=record.discussion,
            new_information="Father has returned to the home",
            effect_on_plan="The safety plan relied on him living elsewhere",
            by=people["bob"],
            now=LATER,
        )
    assert "convene" in clocks_of(request.review)  # the operation did its whole work
    assert counts == Counter({"case_facts": 1, "pack_for": 1})


def test_an_hrpm_meeting_and_its_action_each_build_the_facts_and_load_the_pack_once(
    child_in_care, people, agencies
):
    hrpm = _create(child_in_care, people)
    with calls_counted(COUNTED) as counts:
        meeting = _meet(hrpm, people, held_at=london(2026, 1, 31, 10, 0), next_on=date(2026, 2, 27))
    assert "hrpm" in clocks_of(hrpm)
    assert counts == Counter({"case_facts": 1, "pack_for": 1})
    with calls_counted(COUNTED) as counts:
        action = hrpm_action_add(
            meeting=meeting,
            owner=agencies["police"],
            what="Disruption visit to the address",
            due_on=date(2026, 2, 6),
            by=people["alice"],
            now=london(2026, 1, 31, 12, 0),
        )
    assert "action_due" in clocks_of(action)
    assert counts == Counter({"case_facts": 1, "pack_for": 1})
