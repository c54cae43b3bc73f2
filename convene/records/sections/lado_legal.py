"""LADO referral or legal action (R002.6)."""

from __future__ import annotations

from convene.policy.vocab import RecordSection
from convene.records.sections._base import (
    Content,
    Contents,
    Group,
    Item,
    Part,
    blocks,
    filled,
    flag,
    text_field,
    yes_no,
)
from convene.records.sections._forms import PartForm, not_for_family, text
from convene.records.sections._forms import yes_no as yes_no_question


class LadoLegalContent(Content):
    lado_referral: bool | None = None
    lado_notes: str = text_field()
    legal_action: str = text_field()
    not_for_family: bool = False


def _complete(c: LadoLegalContent, _contents: Contents) -> bool:
    return c.lado_referral is not None and (not c.lado_referral or filled(c.lado_notes))


def _describe(c: LadoLegalContent) -> list[Item]:
    return blocks(
        [
            ("LADO referral", yes_no(c.lado_referral)),
            ("LADO: notes", c.lado_notes),
            ("Legal action", c.legal_action),
        ],
        not_for_family=flag(c),
    )


class LadoLegalForm(PartForm):
    yes_no_answers = ("lado_referral",)
    section = RecordSection.LADO_LEGAL
    lado_referral = yes_no_question("Is a referral to the LADO needed?")
    lado_notes = text("LADO referral: who makes it and when")
    legal_action = text("Legal action by any agency")
    not_for_family = not_for_family()


PART = Part(
    section=RecordSection.LADO_LEGAL,
    title="LADO referral or legal action",
    group=Group.PLAN,
    schema=LadoLegalContent,
    hint="Whether a LADO referral or legal action by any agency is needed",
    complete=_complete,
    describe=_describe,
    form=LadoLegalForm,
    internal=True,
)
