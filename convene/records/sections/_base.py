"""What every record section is made of: its content schema, its text, its page.

A record is a set of **parts**, one page each on the task list and one
``RecordSectionEntry`` each in the database. Each part is one :class:`Part`
object in a module of its own in this package, holding everything about it: the
:class:`~convene.policy.vocab.RecordSection` it carries, its title and hint, its
content schema (pydantic, ``extra="forbid"``, so the database, the frozen versions,
the PDF and the API always hold one shape), when it is complete, how it reads as
text (``Item`` blocks, each with its "not to be shared with the family" flag,
R003.5, R001.13), its form and its page template. The registry
(:mod:`convene.records.sections`) lists the parts in agenda order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from convene.core.dates import govuk_date
from convene.policy.vocab import RecordSection

TEXT_MAX = 20_000
LINE_MAX = 300

# The content of every part, by the part's section, as stored (JSON).
Contents = Mapping[RecordSection, Mapping[str, Any]]


class ContentInvalid(ValueError):
    """Content that does not fit its schema; ``problems`` lists each as ``field: message``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class Group(StrEnum):
    """The agenda of seed 001, as the task list groups the parts."""

    INTRODUCTION = "Introduction"
    INFORMATION = "Information sharing and risk"
    DECISION = "Decision"
    PLAN = "Plan"
    CLOSE = "Close"


@dataclass(frozen=True)
class Item:
    """One labelled block of the record as people read it."""

    label: str
    text: str
    not_for_family: bool = False


class Content(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def text_field(*, default: str = "") -> Any:
    return Field(default=default, max_length=TEXT_MAX)


def line_field(*, default: str = "") -> Any:
    return Field(default=default, max_length=LINE_MAX)


def filled(*values: str) -> bool:
    return all(bool(v.strip()) for v in values)


def blocks(pairs: list[tuple[str, str]], *, not_for_family: bool = False) -> list[Item]:
    """Labelled blocks of text, empty answers left out."""
    return [Item(label, text, not_for_family) for label, text in pairs if text]


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def date_text(value: date | None) -> str:
    return govuk_date(value)


def flag(content: Any) -> bool:
    """The part-wide "do not share this with the family" flag, for parts that have one."""
    return bool(getattr(content, "not_for_family", False))


@dataclass(frozen=True)
class FormInputs:
    """What a part's form may need beyond its own content, gathered by the page."""

    contents: Contents
    review: bool
    # (people, agencies) who may own an action: asked only by the forms that offer owners.
    owners: Callable[[], tuple[Any, Any]]

    def attended(self) -> list[Mapping[str, Any]]:
        rows = (self.contents.get(RecordSection.ATTENDANCE) or {}).get("rows", [])
        return [row for row in rows if row.get("status") == "attended"]


# A completeness rule: the part's content (its schema's model) and every part's content.
CompleteRule = Callable[[Any, Contents], bool]
# Builds the part's form: posted data (or None), the stored content, the page's inputs.
FormMaker = Callable[[Any, Mapping[str, Any], FormInputs], Any]


@dataclass(frozen=True)
class Part:
    """One part of the record, whole: adding a part is adding one of these."""

    section: RecordSection
    title: str
    group: Group
    schema: type[Content]
    hint: str
    # When the part is complete, from its content (and, rarely, another part's).
    complete: CompleteRule
    # The part as labelled blocks of text, for the check page, versions, the PDF and the family.
    describe: Callable[[Any], list[Item]]
    # The part's form: a class taking (data, content=...) or a maker for richer forms.
    form: Callable[..., Any] | None = None
    form_maker: FormMaker | None = None
    template: str = "records/parts/simple.html"
    # Other sections this part carries, each with its own completeness rule.
    also_covers: Mapping[RecordSection, CompleteRule] = field(default_factory=dict)
    # Their titles, as the refusal to authorise names them.
    also_titles: Mapping[RecordSection, str] = field(default_factory=dict)
    # Internal to professionals whatever the flags say: never in a family summary.
    internal: bool = False
    # Shown on the task list only when required, filled in, or relevant to the facts.
    conditional: bool = False
    # More for the page beyond the form: (content, every part's content) -> context.
    page_extra: Callable[[Mapping[str, Any], Contents], dict[str, Any]] | None = None
    # Saving returns to the part's own page (a list edited item by item) rather than the list.
    stays_after_save: bool = False
    # What is still to answer when the part is incomplete, named as the form asks it
    # (content, every part's content) -> labels; None: the part's title says it.
    missing: Callable[[Any, Contents], list[str]] | None = None

    @property
    def slug(self) -> str:
        return self.section.value.replace("_", "-")

    @property
    def covers(self) -> tuple[RecordSection, ...]:
        """The RecordSection values this part carries (its own first)."""
        return (self.section, *self.also_covers)

    def empty(self) -> dict[str, Any]:
        return self.schema().model_dump(mode="json")

    def model(self, content: Mapping[str, Any] | None) -> Any:
        return self.schema.model_validate(dict(content or {}))

    def build_form(self, data: Any, content: Mapping[str, Any], inputs: FormInputs) -> Any:
        if self.form_maker is not None:
            return self.form_maker(data, content, inputs)
        assert self.form is not None, f"{self.section} has neither a form nor a form maker"
        return self.form(data, content=content)
