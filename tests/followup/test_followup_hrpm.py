"""High Risk Planning Meetings (R000.3, R000.4): the young person's view is required, the next
meeting is a monthly clock (clamped at a short month's end), and an HRPM never stands in for
a strategy discussion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from convene.clocks.models import Clock
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.followup.hrpm.services import (
    hrpm_action_add,
    hrpm_create,
    hrpm_end,
    hrpm_meeting_record,
)
from convene.followup.models import Hrpm
from convene.people.factories import ChildFactory
from convene.referrals.services import referral_accept
from tests.convening import make_referral
from tests.followup.conftest import clocks_of, london

pytestmark = pytest.mark.django_db


def _create(child, people, *, view="They look after me", now=None):
    return hrpm_create(
        child=child,
        risk_assessment="Criminal exploitation through county lines; missing overnight twice",
        young_persons_view=view,
        by=people["alice"],
        now=now or datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    )


def _meet(hrpm, people, *, held_at, next_on, attendees=("alice", "carol", "nia"), **kwargs):
    return hrpm_meeting_record(
        hrpm=hrpm,
        held_at=held_at,
        attendees=[people[name] for name in attendees],
        young_person_attended=kwargs.pop("young_person_attended", True),
        young_persons_view=kwargs.pop("young_persons_view", "I want to see my friends"),
        risk_assessment="Risk remains high",
        safety_plan="Curfew agreed; police disruption of the line",
        next_meeting_on=next_on,
        by=people["alice"],
        now=kwargs.pop("now", held_at + timedelta(hours=2)),
        **kwargs,
    )


def test_R000_3_the_young_persons_view_is_required(child_in_care, people):
    with pytest.raises(Invalid, match="young person's own view") as refused:
        _create(child_in_care, people, view="   ")
    assert refused.value.field == "young_persons_view"
    assert not Hrpm.objects.exists()
    hrpm = _create(child_in_care, people)
    with pytest.raises(Invalid, match="young person's own view"):
        _meet(
            hrpm,
            people,
            held_at=london(2026, 1, 31, 10, 0),
            next_on=date(2026, 2, 27),
            young_persons_view="",
        )
    with pytest.raises(Invalid, match="why they did not attend"):
        _meet(
            hrpm,
            people,
            held_at=london(2026, 1, 31, 10, 0),
            next_on=date(2026, 2, 27),
            young_person_attended=False,
        )


def test_R000_3_monthly_clock_from_31_january_is_due_28_february(child_in_care, people):
    hrpm = _create(child_in_care, people)
    _meet(hrpm, people, held_at=london(2026, 1, 31, 10, 0), next_on=date(2026, 2, 28))
    clock = clocks_of(hrpm)["hrpm"]
    assert clock.due_at == london(2026, 2, 28, 10, 0)
    assert clock.rule_id == "gloucestershire.hrpm"
    assert "R000.3" in clock.citation
    with pytest.raises(Invalid, match="Friday 27 March 2026"):
        _meet(hrpm, people, held_at=london(2026, 2, 27, 10, 0), next_on=date(2026, 3, 30))
    # The next meeting meets this clock and starts the next: 27 February → 27 March.
    _meet(hrpm, people, held_at=london(2026, 2, 27, 10, 0), next_on=date(2026, 3, 27))
    clock.refresh_from_db()
    assert clock.state == "met"
    assert clocks_of(hrpm)["hrpm"].due_at == london(2026, 3, 27, 10, 0)


def test_R000_3_monthly_clock_from_31_january_2028_is_due_29_february(child_in_care, people):
    hrpm = _create(child_in_care, people, now=datetime(2028, 1, 3, 9, 0, tzinfo=UTC))
    _meet(hrpm, people, held_at=london(2028, 1, 31, 10, 0), next_on=date(2028, 2, 29))
    assert clocks_of(hrpm)["hrpm"].due_at == london(2028, 2, 29, 10, 0)


def test_R000_3_multi_agency_and_for_a_child_in_care(child_in_care, people, partnership):
    hrpm = _create(child_in_care, people)
    with pytest.raises(Invalid, match="multi-agency"):
        _meet(
            hrpm,
            people,
            held_at=london(2026, 1, 31, 10, 0),
            next_on=date(2026, 2, 27),
            attendees=("alice", "bob"),
        )
    other = ChildFactory(partnership=partnership, legal_status="child_in_need")
    with pytest.raises(Invalid, match="for a child in care"):
        _create(other, people)
    with pytest.raises(Conflict, match="already has an active"):
        _create(child_in_care, people)
    with pytest.raises(NotAllowed):
        hrpm_create(
            child=child_in_care,
            risk_assessment="x",
            young_persons_view="y",
            by=people["carol"],
            now=datetime(2026, 1, 5, tzinfo=UTC),
        )


def test_R000_3_safety_plan_actions_have_due_clocks_and_ending_waives_the_meeting_clock(
    child_in_care, people, agencies
):
    hrpm = _create(child_in_care, people)
    meeting = _meet(hrpm, people, held_at=london(2026, 1, 31, 10, 0), next_on=date(2026, 2, 27))
    action = hrpm_action_add(
        meeting=meeting,
        owner=agencies["police"],
        what="Disruption visit to the address",
        due_on=date(2026, 2, 6),
        by=people["alice"],
        now=london(2026, 1, 31, 12, 0),
    )
    assert clocks_of(action)["action_due"].due_at == london(2026, 2, 6, 23, 59, 59)
    ended = hrpm_end(
        hrpm=hrpm,
        reason="Moved to a specialist placement",
        by=people["bob"],
        now=london(2026, 2, 3),
    )
    assert ended.state == "ended"
    assert clocks_of(hrpm, include_waived=True)["hrpm"].state == "waived"
    assert clocks_of(action)["action_due"].state == "pending"  # the action is still tracked


def test_R000_4_an_hrpm_never_stops_a_strategy_discussion_clock(
    child_in_care, people, partnership, agencies
):
    hrpm = _create(child_in_care, people)
    _meet(hrpm, people, held_at=london(2026, 1, 31, 10, 0), next_on=date(2026, 2, 27))
    # A new significant-harm concern about the child, who has an active HRPM.
    received = london(2026, 2, 9, 9, 0)
    referral = make_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        children=[child_in_care],
        received_at=received,
        now=received + timedelta(minutes=30),
        categories=["cse"],
        significant_harm_suspected=True,
        ongoing_risk=True,
    )
    assert referral.recommended_pathway == "strategy_discussion"
    referral = referral_accept(
        referral=referral,
        by=people["bob"],
        now=received + timedelta(hours=1),
        expected_version=referral.version,
    )
    convene = clocks_of(referral)["convene"]
    assert convene.state == "pending"
    # Another HRPM meeting, and the end of the HRPM, leave the convene clock running.
    _meet(hrpm, people, held_at=london(2026, 2, 10, 10, 0), next_on=date(2026, 3, 10))
    hrpm_end(hrpm=hrpm, reason="Escalated", by=people["bob"], now=london(2026, 2, 10, 13))
    convene.refresh_from_db()
    assert convene.state == "pending"
    assert Clock.objects.filter(kind="convene", state="pending").count() == 1


def test_R004_8_escalation_parties_of_hrpm_clocks_are_resolved(child_in_care, people, agencies):
    from convene.clocks.parties import resolve_party, resolve_responsible
    from convene.policy.vocab import Party

    hrpm = _create(child_in_care, people)
    meeting = _meet(hrpm, people, held_at=london(2026, 1, 31, 10, 0), next_on=date(2026, 2, 27))
    action = hrpm_action_add(
        meeting=meeting,
        owner=people["carol"],
        what="Disruption visit",
        due_on=date(2026, 2, 6),
        by=people["alice"],
        now=london(2026, 1, 31, 12, 0),
    )
    owner = resolve_party(action, Party.ACTION_OWNER_AGENCY)
    assert owner is not None
    assert owner.agencies == (agencies["police"],)
    assert resolve_responsible(action).professionals == (people["carol"],)
    invited = resolve_party(hrpm, Party.INVITED_AGENCIES)
    assert invited is not None
    assert set(invited.agencies) == {
        agencies["csc"],
        agencies["police"],
        agencies["community"],
    }
    assert resolve_responsible(hrpm).professionals == (people["alice"],)
