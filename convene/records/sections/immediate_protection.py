"""Immediate protection and interim services (R002.6)."""

from __future__ import annotations

from convene.policy.vocab import RecordSection
from convene.records.sections._base import Content, Group, text_field
from convene.records.sections._text_parts import Question, text_part


class ImmediateProtectionContent(Content):
    immediate_action: str = text_field()
    interim_services: str = text_field()
    not_for_family: bool = False


PART = text_part(
    RecordSection.IMMEDIATE_PROTECTION,
    title="Immediate protection and interim services",
    group=Group.PLAN,
    hint="What is done now to keep the child safe, and interim services",
    schema=ImmediateProtectionContent,
    questions=(
        Question(
            "immediate_action",
            "What is done now to keep the child safe",
            "Immediate action to keep the child safe",
            required=True,
        ),
        Question(
            "interim_services", "Interim services and support", "Interim services and support"
        ),
    ),
)
