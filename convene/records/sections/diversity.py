"""Diversity, culture and interpreter (R002.6)."""

from __future__ import annotations

from django import forms

from convene.policy.vocab import RecordSection
from convene.records.sections._base import (
    LINE_MAX,
    Content,
    Contents,
    Group,
    Item,
    Part,
    blocks,
    filled,
    flag,
    line_field,
    text_field,
    yes_no,
)
from convene.records.sections._forms import PartForm, not_for_family, text
from convene.records.sections._forms import yes_no as yes_no_question


class DiversityContent(Content):
    considerations: str = text_field()
    interpreter_needed: bool | None = None
    interpreter_language: str = line_field()
    not_for_family: bool = False


def _complete(c: DiversityContent, _contents: Contents) -> bool:
    return (
        filled(c.considerations)
        and c.interpreter_needed is not None
        and (not c.interpreter_needed or filled(c.interpreter_language))
    )


def _describe(c: DiversityContent) -> list[Item]:
    interpreter = yes_no(c.interpreter_needed)
    if c.interpreter_needed and c.interpreter_language:
        interpreter += f": {c.interpreter_language}"
    return blocks(
        [("Considerations", c.considerations), ("Interpreter needed", interpreter)],
        not_for_family=flag(c),
    )


class DiversityForm(PartForm):
    yes_no_answers = ("interpreter_needed",)
    section = RecordSection.DIVERSITY_INTERPRETER
    considerations = text(
        "Race, ethnicity, beliefs and culture: how they are considered in the enquiry"
    )
    interpreter_needed = yes_no_question("Is an interpreter needed?")
    interpreter_language = forms.CharField(label="Language", required=False, max_length=LINE_MAX)
    not_for_family = not_for_family()


PART = Part(
    section=RecordSection.DIVERSITY_INTERPRETER,
    title="Diversity, culture and interpreter",
    group=Group.PLAN,
    schema=DiversityContent,
    hint="Race, ethnicity, beliefs and culture; whether an interpreter is needed",
    complete=_complete,
    describe=_describe,
    form=DiversityForm,
)
