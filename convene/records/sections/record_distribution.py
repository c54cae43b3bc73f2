"""Distributing the record (R001.14): its timescale."""

from __future__ import annotations

from convene.policy.vocab import RecordSection
from convene.records.sections._base import Content, Group, text_field
from convene.records.sections._text_parts import Question, text_part


class RecordDistributionContent(Content):
    timescale: str = text_field()


PART = text_part(
    RecordSection.RECORD_DISTRIBUTION,
    title="Distributing the record",
    group=Group.CLOSE,
    hint="The timescale for distributing the authorised record",
    schema=RecordDistributionContent,
    questions=(
        Question(
            "timescale",
            "Timescale for distributing the authorised record",
            "Timescale for distributing the record",
            rows=3,
            required=True,
        ),
    ),
    internal=True,
)
