"""What is shared with the family (R001.13, R002.5, R003.5): what, by whom and when,
or why not."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django import forms

from convene.policy.vocab import RecordSection
from convene.records.sections._base import (
    Content,
    Contents,
    Group,
    Item,
    Part,
    blocks,
    filled,
    text_field,
)
from convene.records.sections._forms import PartForm, text


class Sharing(StrEnum):
    ALL = "all"
    PARTIAL = "partial"
    NONE = "none"


SHARING_LABELS: dict[Sharing, str] = {
    Sharing.ALL: "Share what professionals shared, except items marked not to be shared",
    Sharing.PARTIAL: "Share only some of it: items marked not to be shared are withheld",
    Sharing.NONE: "Share nothing for now: it would put the child at greater risk or harm a "
    "police investigation",
}


class FamilyCommunicationContent(Content):
    """R001.13, R002.5, R003.5: what the family is told, by whom and when, or why not."""

    sharing: Sharing | None = None
    who_and_when: str = text_field()
    reason_withheld: str = text_field()


def _complete(c: FamilyCommunicationContent, _contents: Contents) -> bool:
    if c.sharing is None:
        return False
    if c.sharing == Sharing.ALL:
        return filled(c.who_and_when)
    return filled(c.reason_withheld)


def _describe(c: FamilyCommunicationContent) -> list[Item]:
    return blocks(
        [
            ("What is shared", SHARING_LABELS[c.sharing] if c.sharing else ""),
            ("Who tells the family, and when", c.who_and_when),
            ("Why information is withheld", c.reason_withheld),
        ]
    )


class FamilyCommunicationForm(PartForm):
    section = RecordSection.FAMILY_COMMUNICATION
    sharing = forms.ChoiceField(
        label="What is shared with the family?",
        choices=[(s.value, label) for s, label in SHARING_LABELS.items()],
        widget=forms.RadioSelect,
        required=False,
    )
    who_and_when = text("Who tells the family, and when")
    reason_withheld = text(
        "Why is information withheld?",
        "Required when anything is withheld. Never shown to the family",
    )

    def content(self) -> dict[str, Any]:
        content = super().content()
        content["sharing"] = self.cleaned_data.get("sharing") or None
        return content


PART = Part(
    section=RecordSection.FAMILY_COMMUNICATION,
    title="What is shared with the family",
    group=Group.PLAN,
    schema=FamilyCommunicationContent,
    hint="What is shared with the family, by whom and when, or why not",
    complete=_complete,
    describe=_describe,
    form=FamilyCommunicationForm,
    internal=True,
)
