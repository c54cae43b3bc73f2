"""The section 47 plan (R001.13): how the enquiry is carried out and what it assesses."""

from __future__ import annotations

from convene.policy.vocab import RecordSection
from convene.records.sections._base import Content, Group, text_field
from convene.records.sections._text_parts import Question, text_part


class S47PlanContent(Content):
    areas_of_risk: str = text_field()
    how_conducted: str = text_field()
    not_for_family: bool = False


PART = text_part(
    RecordSection.S47_PLAN,
    title="Section 47 plan and areas of risk",
    group=Group.PLAN,
    hint="How the section 47 enquiry is carried out and the areas of risk it assesses",
    schema=S47PlanContent,
    questions=(
        Question(
            "areas_of_risk",
            "Areas of risk the section 47 enquiry will assess",
            "Areas of risk the enquiry will assess",
            required=True,
        ),
        Question(
            "how_conducted",
            "How the enquiry is carried out, by whom and when",
            "How the enquiry is carried out",
            required=True,
        ),
    ),
    conditional=True,
)
