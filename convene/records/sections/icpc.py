"""Initial child protection conference (R001.14): confirmed by the chair with the Head
of Service; the Reviewing Service convenes it within 15 working days (R002.12)."""

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
    line_field,
    text_field,
    yes_no,
)
from convene.records.sections._forms import PartForm, text
from convene.records.sections._forms import yes_no as yes_no_question


class IcpcContent(Content):
    """R001.14: an ICPC is confirmed by the chair with the Head of Service."""

    head_of_service: str = line_field()
    confirmed: bool | None = None
    notes: str = text_field()


def _complete(c: IcpcContent, _contents: Contents) -> bool:
    return filled(c.head_of_service) and c.confirmed is not None


def _describe(c: IcpcContent) -> list[Item]:
    return blocks(
        [
            ("Head of Service", c.head_of_service),
            ("Confirmed with the Head of Service", yes_no(c.confirmed)),
            ("Notes", c.notes),
        ]
    )


class IcpcForm(PartForm):
    yes_no_answers = ("confirmed",)
    section = RecordSection.ICPC_ARRANGEMENTS
    head_of_service = forms.CharField(
        label="Head of Service the chair confirms the conference with",
        required=False,
        max_length=LINE_MAX,
    )
    confirmed = yes_no_question("Has the Head of Service confirmed it?")
    notes = text("Notes", "The Reviewing Service convenes it within 15 working days")


PART = Part(
    section=RecordSection.ICPC_ARRANGEMENTS,
    title="Initial child protection conference",
    group=Group.CLOSE,
    schema=IcpcContent,
    hint="Where an initial child protection conference is agreed, confirmed with the Head of "
    "Service",
    complete=_complete,
    describe=_describe,
    form=IcpcForm,
    internal=True,
    conditional=True,
)
