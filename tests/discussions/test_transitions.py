"""The one state machine of a discussion (issue 17): the table is the whole lifecycle,
every move goes through ``discussion_transition``, and a move it does not list is
refused without a write."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from convene.core.errors import Conflict
from convene.discussions.models import Discussion, DiscussionState
from convene.discussions.transitions import TRANSITIONS, discussion_transition, transition_for
from tests.convening import scheduled_discussion

S = DiscussionState
ROOT = Path(__file__).resolve().parents[2]


def test_the_table_is_the_lifecycle() -> None:
    moves = {(t.source, t.to) for t in TRANSITIONS}
    assert len(moves) == len(TRANSITIONS), "a move is listed twice"
    forward = [S.REQUESTED, S.SCHEDULED, S.HELD, S.RECORDED, S.AUTHORISED, S.DISTRIBUTED]
    for source, to in zip(forward, [*forward[1:], S.CONFIRMED], strict=True):
        assert (source, to) in moves
    assert {(S.REQUESTED, S.CANCELLED), (S.SCHEDULED, S.CANCELLED)} <= moves
    # Nothing leaves a cancelled discussion, and nothing goes back to requested.
    assert not [m for m in moves if m[0] == S.CANCELLED or m[1] == S.REQUESTED]
    # Each move says what its caller checks.
    assert all(t.checks.strip() for t in TRANSITIONS)


@pytest.mark.parametrize(
    ("source", "to"),
    [
        (S.REQUESTED, S.HELD),
        (S.SCHEDULED, S.AUTHORISED),
        (S.HELD, S.DISTRIBUTED),
        (S.CANCELLED, S.SCHEDULED),
        (S.CONFIRMED, S.CANCELLED),
        (S.DISTRIBUTED, S.HELD),
    ],
)
def test_skipping_a_stage_is_not_a_move(source, to) -> None:
    assert transition_for(source, to) is None


@pytest.mark.django_db
def test_a_move_saves_state_version_and_who(people, accepted_for) -> None:
    now = timezone.now()
    referral = accepted_for(now=now, received_at=now - timedelta(hours=1))
    discussion = scheduled_discussion(referral=referral, people=people, now=now)
    version = discussion.version
    discussion_transition(discussion=discussion, to=S.HELD, by=people["carol"], at=now)
    saved = Discussion.objects.get(pk=discussion.pk)
    assert (saved.state, saved.version, saved.modified_by) == (
        S.HELD,
        version + 1,
        people["carol"],
    )


@pytest.mark.django_db
def test_cancelling_stamps_the_moment(people, accepted_for) -> None:
    now = timezone.now()
    referral = accepted_for(now=now, received_at=now - timedelta(hours=1))
    discussion = scheduled_discussion(referral=referral, people=people, now=now)
    discussion.cancelled_by = people["carol"]
    discussion.cancel_reason = "The family moved away"
    discussion_transition(
        discussion=discussion,
        to=S.CANCELLED,
        by=people["carol"],
        at=now,
        fields=["cancelled_by", "cancel_reason"],
    )
    assert Discussion.objects.get(pk=discussion.pk).cancelled_at == now


@pytest.mark.django_db
def test_a_move_not_in_the_table_is_refused_and_nothing_saved(people, accepted_for) -> None:
    now = timezone.now()
    referral = accepted_for(now=now, received_at=now - timedelta(hours=1))
    discussion = scheduled_discussion(referral=referral, people=people, now=now)
    version = discussion.version
    with pytest.raises(Conflict, match="scheduled"):
        discussion_transition(discussion=discussion, to=S.DISTRIBUTED, by=people["carol"], at=now)
    saved = Discussion.objects.get(pk=discussion.pk)
    assert (saved.state, saved.version) == (S.SCHEDULED, version)


def test_no_service_sets_the_state_itself() -> None:
    """Only transitions.py assigns ``<discussion>.state``: both apps call the one function."""
    offenders = []
    for app in ("discussions", "records"):
        for path in (ROOT / "convene" / app).rglob("*.py"):
            if path.name == "transitions.py" or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Assign | ast.AugAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        if (
                            isinstance(target, ast.Attribute)
                            and target.attr == "state"
                            and "discussion" in ast.unparse(target.value)
                        ):
                            offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders
