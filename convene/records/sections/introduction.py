"""Introduction (R001.11): the reason for convening and the background."""

from __future__ import annotations

from convene.policy.vocab import RecordSection
from convene.records.sections._base import Content, Group, text_field
from convene.records.sections._text_parts import Question, text_part


class IntroductionContent(Content):
    reason: str = text_field()
    child_background: str = text_field()
    parents_carers: str = text_field()
    relevant_others: str = text_field()
    not_for_family: bool = False


PART = text_part(
    RecordSection.INTRODUCTION,
    title="Introduction: reason and background",
    group=Group.INTRODUCTION,
    hint="Reason for convening; background on the child or children, parents, carers and "
    "relevant others",
    schema=IntroductionContent,
    questions=(
        Question("reason", "Reason for convening", "Reason for convening", required=True),
        Question(
            "child_background",
            "Background: the child or children",
            "Background: the child or children",
            required=True,
        ),
        Question("parents_carers", "Parents and carers", "Parents and carers"),
        Question("relevant_others", "Family members and relevant others", "Relevant others"),
    ),
)
