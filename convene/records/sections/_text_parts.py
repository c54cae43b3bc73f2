"""Parts that are only free text: their schema's fields, read back under their labels.

``text_part`` builds the whole :class:`Part` (completeness, reading, form) from the
list of its questions, so such a part is a schema and a list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from convene.policy.vocab import RecordSection
from convene.records.sections._base import (
    Content,
    Contents,
    Group,
    Item,
    Part,
    blocks,
    flag,
    text_field,
)
from convene.records.sections._forms import PartForm, not_for_family, text


@dataclass(frozen=True)
class Question:
    name: str
    # The question on the form.
    label: str
    # The label the answer is read under (check page, versions, PDF); blank for a part
    # that is one block of text.
    read_as: str = ""
    hint: str = ""
    rows: int = 4
    # Complete only when this is answered.
    required: bool = False


class TextContent(Content):
    """A part that is one block of text."""

    text: str = text_field()
    not_for_family: bool = False


def _form(section: RecordSection, schema: type[Content], questions: Sequence[Question]) -> type:
    fields: dict[str, Any] = {q.name: text(q.label, q.hint, q.rows) for q in questions}
    if "not_for_family" in schema.model_fields:
        fields["not_for_family"] = not_for_family()
    fields["section"] = section
    return type(f"{section.value.title().replace('_', '')}Form", (PartForm,), fields)


def text_part(
    section: RecordSection,
    *,
    title: str,
    group: Group,
    hint: str,
    schema: type[Content],
    questions: Sequence[Question],
    internal: bool = False,
    conditional: bool = False,
) -> Part:
    required = [q.name for q in questions if q.required]

    def complete(content: Any, _contents: Contents) -> bool:
        return all(bool(getattr(content, name).strip()) for name in required)

    def missing(content: Any, _contents: Contents) -> list[str]:
        return [q.label for q in questions if q.required and not getattr(content, q.name).strip()]

    def describe(content: Any) -> list[Item]:
        pairs = [(q.read_as, getattr(content, q.name)) for q in questions]
        return blocks(pairs, not_for_family=flag(content))

    return Part(
        section=section,
        title=title,
        group=group,
        schema=schema,
        hint=hint,
        complete=complete,
        describe=describe,
        missing=missing,
        form=_form(section, schema, questions),
        internal=internal,
        conditional=conditional,
    )


def one_text_part(
    section: RecordSection, *, question: str, q_hint: str = "", **kwargs: Any
) -> Part:
    """A part that is one block of text (``TextContent``), complete when written."""
    return text_part(
        section,
        schema=TextContent,
        questions=(Question("text", question, hint=q_hint, required=True),),
        **kwargs,
    )
