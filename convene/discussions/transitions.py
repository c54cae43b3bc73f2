"""The one state machine of a discussion and its record.

Every change of ``Discussion.state`` goes through ``discussion_transition``; the
table below is the whole of the lifecycle:

    requested → scheduled → held → recorded → authorised → distributed → confirmed
        ↘ cancelled ↙                  (held → authorised submits on the way)
                                        authorised, distributed, confirmed → authorised
                                        (a corrected version)

The service that asks for a move (``discussions.services`` for scheduling and
cancelling, ``records.services`` for the record's stages) checks what the table
says it checks, with its own words for the person, before it calls
``discussion_transition``. The table then refuses any move it does not list, so a
new caller cannot skip a stage. docs/architecture.md walks a case through it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from convene.core.errors import Conflict
from convene.discussions.models import Discussion, DiscussionState

if TYPE_CHECKING:
    from convene.people.models import Professional

S = DiscussionState


@dataclass(frozen=True)
class Transition:
    """One allowed move: what the caller checks first, and what happens to the clocks."""

    source: S
    to: S
    checks: str
    clocks: str = "none"
    # A field of the discussion stamped with the moment of the move.
    stamp: str | None = None


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        S.REQUESTED,
        S.SCHEDULED,
        checks="convenor of the partnership; a chair who may chair; start in the future and "
        "before the end; a venue or link; the required attendees invited (R001)",
    ),
    Transition(
        S.REQUESTED,
        S.CANCELLED,
        checks="convenor; a reason; no other live discussion if the referral is closed too",
        clocks="the convene-by clock keeps running, or is waived when the referral closes",
        stamp="cancelled_at",
    ),
    Transition(
        S.SCHEDULED,
        S.CANCELLED,
        checks="as from requested; the invitees are sent a cancellation",
        clocks="as from requested",
        stamp="cancelled_at",
    ),
    Transition(
        S.SCHEDULED,
        S.HELD,
        checks="the chair or a manager who may chair; a held time not in the future",
        clocks="meets the convene-by clock; starts the record-distribution clocks (R002.8, R002.9)",
    ),
    Transition(
        S.HELD,
        S.RECORDED,
        checks="the chair or a manager; every required section complete",
    ),
    Transition(
        S.HELD,
        S.AUTHORISED,
        checks="a manager the procedure allows; the record complete (it is submitted on the way)",
        clocks="starts the follow-on clocks the decision calls for, and the actions' clocks",
    ),
    Transition(
        S.RECORDED,
        S.AUTHORISED,
        checks="a manager the procedure allows; the record complete",
        clocks="starts the follow-on clocks the decision calls for, and the actions' clocks",
    ),
    Transition(
        S.AUTHORISED,
        S.DISTRIBUTED,
        checks="the chair or a manager; the latest version not yet distributed",
        clocks="meets the record-distribution clock",
    ),
    Transition(
        S.DISTRIBUTED,
        S.CONFIRMED,
        checks="every attendee confirmed the record, or had their correction resolved",
    ),
    # A corrected version is authorised again from wherever the record had got to.
    *(
        Transition(
            source,
            S.AUTHORISED,
            checks="a correction is open; a manager the procedure allows; the record complete",
            clocks="follow-on and action clocks brought in line with the corrected decision",
        )
        for source in (S.AUTHORISED, S.DISTRIBUTED, S.CONFIRMED)
    ),
)

_BY_MOVE: dict[tuple[str, str], Transition] = {(t.source, t.to): t for t in TRANSITIONS}


def transition_for(source: str, to: str) -> Transition | None:
    """The table's entry for ``source → to``, or None if the move is not allowed."""
    return _BY_MOVE.get((source, to))


def discussion_transition(
    *,
    discussion: Discussion,
    to: str,
    by: Professional,
    at: datetime,
    fields: Collection[str] = (),
) -> Transition:
    """Move ``discussion`` (locked by the caller) to state ``to`` and save it.

    The caller has made the checks the transition names. ``fields`` are other fields
    the caller changed, saved in the same write, so one move is one new version.
    A move the table does not list is refused (409), never saved.
    """
    transition = transition_for(discussion.state, to)
    if transition is None:
        raise Conflict(
            f"This discussion is {discussion.get_state_display().lower()}: it cannot be "
            f"{DiscussionState(to).label.lower()} now"
        )
    discussion.state = to
    changed = [*fields, "state"]
    if transition.stamp is not None:
        setattr(discussion, transition.stamp, at)
        changed.append(transition.stamp)
    discussion.version += 1
    discussion.modified_by = by
    discussion.save(
        update_fields=[*dict.fromkeys(changed), "version", "modified_by", "modified_at"]
    )
    return transition
