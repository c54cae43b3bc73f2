"""Each professional's view on significant harm (R003.6): the key question in the
document's words (seed 003), whether the child is at risk without action, whether a
section 47 enquiry is needed and by whom, or why no view was given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from django import forms

from convene.core.forms import GovukForm
from convene.people.vocab import Labelled, labels
from convene.policy.vocab import RecordSection
from convene.records.sections._base import (
    Content,
    Contents,
    FormInputs,
    Group,
    Item,
    Part,
    line_field,
    text_field,
)
from convene.records.sections._forms import answer, not_for_family, radios, text, yes_no
from convene.records.sections.attendance import AttendanceStatus, attendance_in

KEY_QUESTION = (
    "Given what we know, do we consider that the child has suffered or is likely to suffer "
    "significant and ongoing harm? Without doing something, is this child at risk of harm?"
)


class View(StrEnum):
    """The key question put to every professional (R003.6)."""

    HAS_SUFFERED = "has_suffered"
    LIKELY_TO_SUFFER = "likely_to_suffer"
    NOT_SIGNIFICANT_HARM = "not_significant_harm"
    UNABLE_TO_SAY = "unable_to_say"


# The key question's words (seed 003): "Given what we know do we consider that the child
# has suffered or is likely to suffer significant and ongoing harm?"
VIEW_LABELS: dict[View, str] = {
    View.HAS_SUFFERED: "Has suffered significant and ongoing harm",
    View.LIKELY_TO_SUFFER: "Is likely to suffer significant and ongoing harm",
    View.NOT_SIGNIFICANT_HARM: "Has not suffered and is not likely to suffer significant and "
    "ongoing harm",
    View.UNABLE_TO_SAY: "Cannot say on the information available",
}


class S47By(Labelled):
    """R003.6: whether a section 47 enquiry needs to be started, and by whom."""

    CHILDRENS_SERVICES = "childrens_services", "Yes, by Children's Services"
    POLICE = "police", "Yes, by the Police"
    BOTH = "both", "Yes, by both working together"
    NOT_NEEDED = "not_needed", "No section 47 enquiry is needed"


S47_BY_LABELS = labels(S47By)


class ProfessionalView(Content):
    professional_id: int
    name: str = line_field()
    agency: str = line_field()
    view: View | None = None
    # "Without doing something, is this child at risk of harm?" (seed 003, R003.6)
    at_risk_without_action: bool | None = None
    s47_by: S47By | None = None
    comment: str = text_field()
    # Why no view was given (left early, could not say for their agency): R003.6.
    no_view_reason: str = text_field()
    not_for_family: bool = False

    @property
    def answered(self) -> bool:
        return self.view is not None or bool(self.no_view_reason.strip())


class ProfessionalViewsContent(Content):
    views: list[ProfessionalView] = []


def views_missing(contents: Contents) -> list[str]:
    """Everyone recorded as attended with neither a view nor why none was given (R003.6)."""
    attendance = attendance_in(contents)
    views = ProfessionalViewsContent.model_validate(
        dict(contents.get(RecordSection.PROFESSIONAL_VIEWS) or {})
    )
    answered = {v.professional_id for v in views.views if v.answered}
    return [
        row.name or f"Attendee {row.professional_id}"
        for row in attendance.rows
        if row.status == AttendanceStatus.ATTENDED and row.professional_id not in answered
    ]


def _complete(c: ProfessionalViewsContent, contents: Contents) -> bool:
    # Every view given is answered, and every attendee has one (or why none was given).
    return bool(c.views) and all(view.answered for view in c.views) and not views_missing(contents)


def _view_text(view: ProfessionalView) -> str:
    risk = {True: "Yes", False: "No", None: ""}[view.at_risk_without_action]
    return "\n\n".join(
        t
        for t in (
            VIEW_LABELS[view.view] if view.view else "",
            f"Without doing something, is this child at risk of harm? {risk}" if risk else "",
            f"Section 47 enquiry: {S47_BY_LABELS[view.s47_by]}" if view.s47_by else "",
            view.comment,
            f"No view given: {view.no_view_reason}" if view.no_view_reason else "",
        )
        if t
    )


def _describe(c: ProfessionalViewsContent) -> list[Item]:
    return [
        Item(f"{view.name}, {view.agency}".strip(", "), text_, view.not_for_family)
        for view in c.views
        if (text_ := _view_text(view))
    ]


def view_field_names(pk: int) -> tuple[str, ...]:
    """The fields asked of one professional, in the order the page shows them."""
    return (
        f"view_{pk}",
        f"at_risk_{pk}",
        f"s47_by_{pk}",
        f"comment_{pk}",
        f"no_view_reason_{pk}",
        f"not_for_family_{pk}",
    )


class ProfessionalViewsForm(GovukForm):
    """The key question to each professional who attended (R003.6)."""

    def __init__(
        self,
        *args: Any,
        content: Mapping[str, Any],
        attendees: Sequence[Mapping[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        existing = {v["professional_id"]: v for v in content.get("views", [])}
        self.people = []
        for person in attendees:
            pk = person["professional_id"]
            self._add_person(person, existing.get(pk, {}))
            self.people.append(pk)

    def _add_person(self, person: Mapping[str, Any], found: Mapping[str, Any]) -> None:
        pk = person["professional_id"]
        self.fields[f"view_{pk}"] = radios(
            f"{person['name']}, {person['agency']}".strip(", "),
            VIEW_LABELS,
            initial=found.get("view"),
        )
        self.fields[f"comment_{pk}"] = text(
            "Their reasons", rows=2, initial=found.get("comment", "")
        )
        self.fields[f"not_for_family_{pk}"] = not_for_family()
        self.fields[f"not_for_family_{pk}"].initial = found.get("not_for_family", False)
        self.fields[f"at_risk_{pk}"] = yes_no(
            "Without doing something, is this child at risk of harm?",
            found.get("at_risk_without_action"),
        )
        self.fields[f"s47_by_{pk}"] = radios(
            "Does a section 47 enquiry need to be started, and by whom?",
            S47_BY_LABELS,
            initial=found.get("s47_by"),
        )
        self.fields[f"no_view_reason_{pk}"] = text(
            "If they gave no view: why not",
            "For example, they left before the question was put. A view or a reason is needed "
            "for each professional who attended",
            rows=3,
            initial=found.get("no_view_reason"),
        )

    def groups(self) -> list[list[forms.BoundField]]:
        return [[self[name] for name in view_field_names(pk)] for pk in self.people]

    def content(self) -> dict[str, Any]:
        views = [
            {
                "professional_id": pk,
                "view": self.cleaned_data.get(f"view_{pk}") or None,
                "comment": self.cleaned_data.get(f"comment_{pk}", ""),
                "not_for_family": self.cleaned_data.get(f"not_for_family_{pk}", False),
                "at_risk_without_action": answer(self.cleaned_data.get(f"at_risk_{pk}")),
                "s47_by": self.cleaned_data.get(f"s47_by_{pk}") or None,
                "no_view_reason": self.cleaned_data.get(f"no_view_reason_{pk}", ""),
            }
            for pk in self.people
        ]
        keep = ("view", "comment", "no_view_reason", "s47_by", "at_risk_without_action")
        return {"views": [v for v in views if any(v[k] not in (None, "") for k in keep)]}


def _form(data: Any, content: Mapping[str, Any], inputs: FormInputs) -> ProfessionalViewsForm:
    return ProfessionalViewsForm(data, content=content, attendees=inputs.attended())


PART = Part(
    section=RecordSection.PROFESSIONAL_VIEWS,
    title="Each professional's view on significant harm",
    group=Group.INFORMATION,
    schema=ProfessionalViewsContent,
    hint="Has the child suffered, or are they likely to suffer, significant harm? Each "
    "professional's answer",
    complete=_complete,
    describe=_describe,
    form_maker=_form,
    template="records/parts/professional_views.html",
)
