"""Builders for the follow-through tests: authorised S47 decisions, enquiries, actions, HRPMs."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from convene.clocks.models import Clock
from convene.followup.enquiries.services import s47_outcome_record, s47_visit_record
from convene.followup.hrpm.services import hrpm_action_add, hrpm_create, hrpm_meeting_record
from convene.followup.models import HrpmAction, S47Enquiry
from convene.people.factories import ChildFactory
from convene.people.models import Professional
from convene.policy.pack import PolicyPack
from convene.policy.vocab import Decision, RecordSection
from convene.records import sections
from convene.records.models import Record, RecordVersion
from convene.records.services import record_authorise
from convene.workdays import LONDON, london_date
from tests.convening import accepted_for, make_referral, referral_for  # noqa: F401 - fixtures
from tests.records.conftest import (  # noqa: F401 - make_record is a fixture
    AFTER,
    HELD_AT,
    complete_content,
    except_missing,
    make_record,
    save,
)

__all__ = ["AFTER", "HELD_AT", "clocks_of", "fill", "london", "outcome", "visit"]


@pytest.fixture
def no_visit_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A procedure that sets no S47 visit timescale. Every shipped pack has one (the England
    default, ``england.s47_visit``), so this is the shipped pack less its visit rule, as the
    case's pack is read (``referrals.policy.pack_for``)."""
    from convene.referrals import policy

    shipped = policy.load_pack

    def without_visit(policy_id: str) -> PolicyPack:
        pack = shipped(policy_id)
        kept = tuple(r for r in pack.rules if getattr(r, "clock", None) != "s47_visit")
        return dataclasses.replace(pack, rules=kept)

    monkeypatch.setattr(policy, "load_pack", without_visit)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def clocks_of(subject: Any, *, include_waived: bool = False) -> dict[str, Clock]:
    """The subject's clocks by kind (the latest of each)."""
    clocks = Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    ).order_by("pk")
    if not include_waived:
        clocks = clocks.exclude(state=Clock.State.WAIVED)
    return {c.kind: c for c in clocks}


def fill(
    record: Record,
    people: dict[str, Professional],
    decision: Decision,
    *,
    action_owner: tuple[str, int] | None = None,
    now: datetime | None = None,
) -> None:
    """Complete every part for ``decision``, with dates relative to when the discussion was
    held (the records tests' builder, with its fixed dates moved). ``action_owner`` is
    ``("agency", pk)`` or ``("person", pk)`` for the one agreed action."""
    held_on = london_date(record.held_at)
    now = now or record.held_at + timedelta(hours=1)
    for part in sorted(sections.PARTS, key=lambda p: p.section != RecordSection.ATTENDANCE):
        content = complete_content(part.section, record, people, decision)
        if part.section == RecordSection.ACTIONS:
            action = content["actions"][0]
            action["due_on"] = (held_on + timedelta(days=1)).isoformat()
            if action_owner is not None:
                action["owner_kind"], action["owner_id"] = action_owner
        elif part.section == RecordSection.HRPM_CONSIDERATION:
            content["by_on"] = (held_on + timedelta(days=14)).isoformat()
        elif part.section == RecordSection.DECISION and "reconvene_on" in content:
            content["reconvene_on"] = (held_on + timedelta(days=28)).isoformat()
        save(record, part.section, content, by=people["bob"], now=now)


@pytest.fixture
def s47_decision(make_record, people) -> Callable[..., RecordVersion]:  # noqa: F811
    """An authorised S47 decision (joint by default) about one child, under ``pack``."""

    def make(
        *,
        pack: str = "warwickshire",
        legal_status: str = "none",
        decision: Decision = Decision.S47_JOINT,
        held_at: datetime = HELD_AT,
        action_owner: tuple[str, int] | None = None,
        **facts: Any,
    ) -> RecordVersion:
        record = make_record(pack=pack, legal_status=legal_status, held_at=held_at, **facts)
        fill(record, people, decision, action_owner=action_owner)
        # Tests that invite fewer than the minimum: bob records why (R002.4).
        except_missing(record, people, now=held_at + timedelta(hours=1))
        return record_authorise(record=record, by=people["bob"], now=held_at + timedelta(hours=1))

    return make


@pytest.fixture
def enquiry(s47_decision, people) -> Callable[..., S47Enquiry]:
    """A started S47 enquiry; ``visited=True`` records a visit an hour after the discussion."""

    def make(*, visited: bool = False, **kwargs: Any) -> S47Enquiry:
        version = s47_decision(**kwargs)
        held_at = version.record.held_at
        # Started with the authorisation (issue 18), by its manager.
        started = S47Enquiry.objects.get(record_version=version)
        if visited:
            started = visit(started, people, at=held_at + timedelta(hours=3))
        return started

    return make


def visit(
    enquiry: S47Enquiry,
    people: dict[str, Professional],
    *,
    at: datetime,
    seen_alone: bool = True,
    now: datetime | None = None,
) -> S47Enquiry:
    return s47_visit_record(
        enquiry=enquiry,
        visited_at=at,
        visitors=[people["alice"], people["carol"]],
        seen_alone=seen_alone,
        not_seen_alone_reason="" if seen_alone else "Asleep",
        by=people["alice"],
        now=now or at + timedelta(minutes=30),
    )


def outcome(
    enquiry: S47Enquiry,
    people: dict[str, Professional],
    value: str,
    *,
    now: datetime | None = None,
    **kwargs: Any,
) -> S47Enquiry:
    return s47_outcome_record(
        enquiry=enquiry,
        outcome=value,
        reasons="Assessed with the family and the school",
        by=people["alice"],
        now=now or (enquiry.visited_at or AFTER) + timedelta(days=1),
        **kwargs,
    )


@pytest.fixture
def child_in_care(partnership, agencies, people):
    """A child in care under Gloucestershire's procedures (HRPMs), referred for exploitation."""
    partnership.policy_id = "gloucestershire"
    partnership.save()
    child = ChildFactory(partnership=partnership, legal_status="child_in_care")
    make_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        children=[child],
        received_at=datetime(2025, 12, 1, 9, 0, tzinfo=UTC),
        now=datetime(2025, 12, 1, 10, 0, tzinfo=UTC),
        categories=["cce"],
        significant_harm_suspected=False,
        ongoing_risk=True,
    )
    return child


@pytest.fixture
def police_hrpm_action(child_in_care, agencies, people) -> HrpmAction:
    """A police action from an HRPM meeting alice and carol attended."""
    child = child_in_care
    hrpm = hrpm_create(
        child=child,
        risk_assessment="Criminal exploitation",
        young_persons_view="They are my friends",
        by=people["alice"],
        now=london(2026, 1, 5, 9, 0),
    )
    meeting = hrpm_meeting_record(
        hrpm=hrpm,
        held_at=london(2026, 1, 31, 10, 0),
        attendees=[people["alice"], people["carol"]],
        young_person_attended=True,
        young_persons_view="I am fine",
        risk_assessment="High",
        safety_plan="Curfew",
        next_meeting_on=date(2026, 2, 27),
        by=people["alice"],
        now=london(2026, 1, 31, 12, 0),
    )
    return hrpm_action_add(
        meeting=meeting,
        owner=agencies["police"],
        what="Disruption visit",
        due_on=date(2026, 2, 6),
        by=people["alice"],
        now=london(2026, 1, 31, 12, 0),
    )
