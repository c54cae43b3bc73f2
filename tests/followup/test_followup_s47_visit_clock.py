"""The 24-hour visit (R003.8): met within 24 clock hours of the discussion, late after; the
visit records who went and whether the child was seen alone. Times are explicit, and the
24 hours are real hours across the clocks changing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from convene.clocks.services import clocks_sweep
from convene.clocks.status import Rag
from convene.core.errors import Conflict, Invalid
from convene.followup.enquiries.services import s47_visit_record
from tests.followup.conftest import clocks_of, london, visit

pytestmark = pytest.mark.django_db

# Saturday 28 March 2026, 12:00 GMT: the clocks go forward at 01:00 GMT on the Sunday.
BEFORE_SPRING = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
# Saturday 24 October 2026, 12:00 BST: the clocks go back at 01:00 GMT on the Sunday.
BEFORE_AUTUMN = datetime(2026, 10, 24, 11, 0, tzinfo=UTC)


def test_R003_8_visit_within_24_hours_meets_the_clock_the_record_started(enquiry, people):
    started = enquiry()
    held_at = started.record_version.record.held_at
    visit_clock = clocks_of(started.discussion)["s47_visit"]
    assert visit_clock.due_at == held_at + timedelta(hours=24)
    visited = visit(started, people, at=held_at + timedelta(hours=23, minutes=59))
    assert visited.state == "visited"
    assert set(visited.visitors.all()) == {people["alice"], people["carol"]}
    assert visited.seen_alone is True
    clocks = clocks_of(started.discussion)
    # The same clock row, met: never a second clock for one timescale.
    assert clocks["s47_visit"].pk == visit_clock.pk
    assert clocks["s47_visit"].state == "met"
    assert clocks["s47_visit"].get_status(now=held_at + timedelta(days=3)) == Rag.MET


def test_R003_8_visit_after_24_hours_is_met_late_and_breached_before(enquiry, people):
    started = enquiry()
    held_at = started.record_version.record.held_at
    (breached,) = [
        c for c in clocks_sweep(now=held_at + timedelta(hours=25)) if c.kind == "s47_visit"
    ]
    assert breached.state == "breached"
    visit(started, people, at=held_at + timedelta(hours=24, minutes=1))
    clock = clocks_of(started.discussion)["s47_visit"]
    assert clock.state == "met"
    assert clock.met_at == held_at + timedelta(hours=24, minutes=1)
    assert clock.get_status(now=held_at + timedelta(days=2)) == Rag.MET_LATE


def test_R003_8_24_hours_across_the_spring_clock_change(enquiry, people):
    started = enquiry(held_at=BEFORE_SPRING)
    clock = clocks_of(started.discussion)["s47_visit"]
    # 12:00 GMT Saturday + 24 real hours = 13:00 BST Sunday.
    assert clock.due_at == london(2026, 3, 29, 13, 0)
    visit(started, people, at=london(2026, 3, 29, 12, 59))
    assert (
        clocks_of(started.discussion)["s47_visit"].get_status(now=london(2026, 4, 1, 9, 0))
        == Rag.MET
    )


def test_R003_8_24_hours_across_the_autumn_clock_change(enquiry, people):
    started = enquiry(held_at=BEFORE_AUTUMN)
    clock = clocks_of(started.discussion)["s47_visit"]
    # 12:00 BST Saturday + 24 real hours = 11:00 GMT Sunday, not 12:00.
    assert clock.due_at == london(2026, 10, 25, 11, 0)
    visit(started, people, at=london(2026, 10, 25, 11, 30))
    assert (
        clocks_of(started.discussion)["s47_visit"].get_status(now=london(2026, 10, 28, 9, 0))
        == Rag.MET_LATE
    )


def test_R003_8_halton_visits_on_the_england_default_of_24_hours(enquiry, people):
    """Halton's procedure sets no number: the England baseline's Convene default applies."""
    started = enquiry(pack="halton")
    clock = clocks_of(started.discussion)["s47_visit"]
    assert clock.rule_id == "england.s47_visit"
    assert clock.due_at == started.record_version.record.held_at + timedelta(hours=24)
    visit(started, people, at=started.started_at + timedelta(hours=1))
    assert clocks_of(started.discussion)["s47_visit"].state == "met"


def test_R003_8_a_pack_with_no_visit_clock_gets_none_invented(enquiry, people, no_visit_clock):
    started = enquiry(pack="halton")
    assert "s47_visit" not in clocks_of(started.discussion)
    visit(started, people, at=started.started_at + timedelta(hours=1))
    assert "s47_visit" not in clocks_of(started.discussion)


def test_R003_8_the_visit_needs_social_care_and_why_not_seen_alone(enquiry, people):
    started = enquiry()
    at = started.record_version.record.held_at + timedelta(hours=2)
    with pytest.raises(Invalid, match="social worker who visited"):
        s47_visit_record(
            enquiry=started,
            visited_at=at,
            visitors=[people["carol"]],
            seen_alone=True,
            by=people["alice"],
            now=at,
        )
    with pytest.raises(Invalid, match="not seen alone"):
        s47_visit_record(
            enquiry=started,
            visited_at=at,
            visitors=[people["alice"]],
            seen_alone=False,
            by=people["alice"],
            now=at,
        )
    with pytest.raises(Invalid, match="in the future"):
        s47_visit_record(
            enquiry=started,
            visited_at=at + timedelta(hours=1),
            visitors=[people["alice"]],
            seen_alone=True,
            by=people["alice"],
            now=at,
        )
    with pytest.raises(Invalid, match="after the strategy discussion"):
        s47_visit_record(
            enquiry=started,
            visited_at=at - timedelta(hours=3),
            visitors=[people["alice"]],
            seen_alone=True,
            by=people["alice"],
            now=at,
        )
    visited = visit(started, people, at=at, seen_alone=False)
    assert visited.not_seen_alone_reason == "Asleep"
    with pytest.raises(Conflict, match="already been recorded"):
        visit(visited, people, at=at)
