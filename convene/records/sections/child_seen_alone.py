"""Seeing the child alone, and how their wishes and feelings are gathered."""

from __future__ import annotations

from convene.policy.vocab import RecordSection
from convene.records.sections._base import Content, Group, text_field
from convene.records.sections._text_parts import Question, text_part


class ChildSeenAloneContent(Content):
    when_seen_alone: str = text_field()
    wishes_and_feelings: str = text_field()
    not_for_family: bool = False


PART = text_part(
    RecordSection.CHILD_SEEN_ALONE,
    title="Seeing the child alone, wishes and feelings",
    group=Group.PLAN,
    hint="When the child is seen alone and how their wishes and feelings are gathered",
    schema=ChildSeenAloneContent,
    questions=(
        Question(
            "when_seen_alone",
            "When will the child be seen alone, and by whom?",
            "When the child is seen alone",
            required=True,
        ),
        Question(
            "wishes_and_feelings",
            "How will their wishes and feelings be gathered?",
            "How their wishes and feelings are gathered",
            required=True,
        ),
    ),
)
