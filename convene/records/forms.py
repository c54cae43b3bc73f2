"""The record's forms: each turns a page's input into a part's content, and content back.

Forms check the shape of what was typed; the rules (who, completeness, dates
against the discussion) live in the services. A part is saved on its own and
may be saved half done ("In progress"), so few fields are required here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

from convene.core.forms import GovukDateField, GovukForm, GovukTimeField, yes_no_field
from convene.people.models import Agency, Professional
from convene.policy.vocab import Decision, RecordSection
from convene.records import safety_forms, sections

NOT_FOR_FAMILY = "Do not share this with the family"
NOT_FOR_FAMILY_HINT = (
    "It would put the child at greater risk or harm a police investigation (R003.5). "
    "It is then left out of everything the family may see."
)


def _text(label: str, hint: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=sections.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _flag() -> forms.BooleanField:
    return forms.BooleanField(label=NOT_FOR_FAMILY, help_text=NOT_FOR_FAMILY_HINT, required=False)


class PartForm(GovukForm):
    """A form for one part: ``initial`` from content, ``content()`` from cleaned data."""

    section: RecordSection

    def __init__(self, *args: Any, content: Mapping[str, Any], **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_from(content))
        super().__init__(*args, **kwargs)
        self.stored = dict(content)

    def initial_from(self, content: Mapping[str, Any]) -> dict[str, Any]:
        return {name: content.get(name) for name in self.base_fields if name in content}

    def content(self) -> dict[str, Any]:
        return {**self.stored, **{k: v for k, v in self.cleaned_data.items() if v is not None}}


@dataclass(frozen=True)
class TextSpec:
    name: str
    label: str
    hint: str = ""
    rows: int = 4


TEXT_PARTS: dict[RecordSection, tuple[TextSpec, ...]] = {
    RecordSection.INTRODUCTION: (
        TextSpec("reason", "Reason for convening"),
        TextSpec("child_background", "Background: the child or children"),
        TextSpec("parents_carers", "Parents and carers"),
        TextSpec("relevant_others", "Family members and relevant others"),
    ),
    RecordSection.ANALYSIS: (
        TextSpec("harm_attributable", "Is the harm attributable to the parents or carers?"),
        TextSpec(
            "likely_to_continue",
            "What is the evidence that the harm is likely to continue?",
            "Describe the harm; consider persistence and severity",
        ),
        TextSpec("protective_factors", "What protective factors are in place, or could be used?"),
        TextSpec("other_interventions", "What other interventions could be effective?"),
        TextSpec("views_child", "The child's views"),
        TextSpec("views_parents", "The views of parents and carers"),
        TextSpec("views_agencies", "The views of partner agencies"),
        TextSpec("history", "What do the history and family context tell us?"),
    ),
    RecordSection.S47_PLAN: (
        TextSpec("areas_of_risk", "Areas of risk the section 47 enquiry will assess"),
        TextSpec("how_conducted", "How the enquiry is carried out, by whom and when"),
    ),
    RecordSection.CRIMINAL_INVESTIGATION: (
        TextSpec("text", "Conduct and timing of any criminal investigation"),
    ),
    RecordSection.ABE_INTERVIEW: (
        TextSpec("text", "Achieving Best Evidence interview: whether, who and when"),
    ),
    RecordSection.MEDICAL_ASSESSMENT: (
        TextSpec("text", "Paediatric safeguarding medical: whether, who, where and when"),
    ),
    RecordSection.IMMEDIATE_PROTECTION: (
        TextSpec("immediate_action", "What is done now to keep the child safe"),
        TextSpec("interim_services", "Interim services and support"),
    ),
    RecordSection.SAFE_DISCHARGE: (TextSpec("text", "How the child's safe discharge is secured"),),
    RecordSection.CHILD_SEEN_ALONE: (
        TextSpec("when_seen_alone", "When will the child be seen alone, and by whom?"),
        TextSpec("wishes_and_feelings", "How will their wishes and feelings be gathered?"),
    ),
    RecordSection.OTHER_CHILDREN: (
        TextSpec(
            "text",
            "Other children who may be affected",
            "Siblings, children in the household, children in contact with the alleged abuser",
        ),
    ),
}


def text_part_form(section: RecordSection) -> type[PartForm]:
    fields: dict[str, Any] = {
        spec.name: _text(spec.label, spec.hint, spec.rows) for spec in TEXT_PARTS[section]
    }
    if "not_for_family" in sections.part(section).schema.model_fields:
        fields["not_for_family"] = _flag()
    fields["section"] = section
    return type(f"{section.value.title().replace('_', '')}Form", (PartForm,), fields)


class RiskAssessmentForm(PartForm):
    section = RecordSection.RISK_ASSESSMENT
    cause_for_concern = _text("Cause for concern")
    seriousness = _text("How serious is it?")
    recurrence = _text("Any recurring events")
    vulnerability_resilience = _text("The child's vulnerability and resilience")
    strengths_protective_factors = _text("Family strengths, protective factors and weaknesses")
    living_context = _text("Risks to the child and the context they live in")
    protection_needs = _text("What does the child need protecting from, from whom and how?")
    carer_capacity = _text(
        "Capacity of both parents, all carers and partners, wider family and network"
    )
    risk_factors = forms.MultipleChoiceField(
        label="Risk factors",
        help_text="Select all that apply",
        choices=[(f.value, label) for f, label in sections.RISK_FACTOR_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    risk_factor_notes = _text("Risk factors: notes, including combinations")
    intervention_level = _text("Level of intervention needed: immediate, interim, longer term")
    medical_need = _text("Is a paediatric safeguarding medical needed?")
    not_for_family = _flag()

    def clean_risk_factors(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["risk_factors"]
        if sections.RiskFactor.NONE_IDENTIFIED in chosen and len(chosen) > 1:
            raise forms.ValidationError(
                "Select 'None of these identified' only when no risk factor applies"
            )
        return chosen


class DecisionForm(PartForm):
    section = RecordSection.DECISION
    decision = forms.ChoiceField(
        label="What was decided?",
        choices=[(d.value, label) for d, label in sections.DECISION_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision"},
    )
    reconvene_on = GovukDateField(
        subject="the date to reconvene",
        label="Date to reconvene",
        help_text="The end of the single assessment (R002.13), for example 27 3 2026",
        required=False,
    )
    reasons = _text(
        "Reasons for the decision",
        "The risks that informed it and why the threshold is or is not met (R002.7, R002.11)",
        rows=6,
    )
    not_for_family = _flag()

    def initial_from(self, content: Mapping[str, Any]) -> dict[str, Any]:
        from datetime import date

        initial = super().initial_from(content)
        if content.get("reconvene_on"):
            initial["reconvene_on"] = date.fromisoformat(str(content["reconvene_on"]))
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        single = data.get("decision") == Decision.SINGLE_ASSESSMENT
        if single and not data.get("reconvene_on") and not self.has_error("reconvene_on"):
            self.add_error("reconvene_on", "Enter the date to reconvene")
        if data.get("decision") != Decision.SINGLE_ASSESSMENT:
            data["reconvene_on"] = None
        return data

    def content(self) -> dict[str, Any]:
        content = super().content()
        content["reconvene_on"] = self.cleaned_data.get("reconvene_on")
        return content


class DiversityForm(PartForm):
    section = RecordSection.DIVERSITY_INTERPRETER
    considerations = _text(
        "Race, ethnicity, beliefs and culture: how they are considered in the enquiry"
    )
    interpreter_needed = yes_no_field(
        label="Is an interpreter needed?", required=False, required_message=""
    )
    interpreter_language = forms.CharField(
        label="Language", required=False, max_length=sections.LINE_MAX
    )
    not_for_family = _flag()

    def initial_from(self, content: Mapping[str, Any]) -> dict[str, Any]:
        initial = super().initial_from(content)
        value = content.get("interpreter_needed")
        initial["interpreter_needed"] = None if value is None else ("yes" if value else "no")
        return initial

    def content(self) -> dict[str, Any]:
        content = super().content()
        if self.cleaned_data.get("interpreter_needed") in ("", None):
            content["interpreter_needed"] = None
        return content


class FamilyCommunicationForm(PartForm):
    section = RecordSection.FAMILY_COMMUNICATION
    sharing = forms.ChoiceField(
        label="What is shared with the family?",
        choices=[(s.value, label) for s, label in sections.SHARING_LABELS.items()],
        widget=forms.RadioSelect,
        required=False,
    )
    who_and_when = _text("Who tells the family, and when")
    reason_withheld = _text(
        "Why is information withheld?",
        "Required when anything is withheld. Never shown to the family",
    )

    def content(self) -> dict[str, Any]:
        content = super().content()
        content["sharing"] = self.cleaned_data.get("sharing") or None
        return content


class LadoLegalForm(PartForm):
    section = RecordSection.LADO_LEGAL
    lado_referral = yes_no_field(
        label="Is a referral to the LADO needed?", required=False, required_message=""
    )
    lado_notes = _text("LADO referral: who makes it and when")
    legal_action = _text("Legal action by any agency")
    not_for_family = _flag()

    def initial_from(self, content: Mapping[str, Any]) -> dict[str, Any]:
        initial = super().initial_from(content)
        value = content.get("lado_referral")
        initial["lado_referral"] = None if value is None else ("yes" if value else "no")
        return initial

    def content(self) -> dict[str, Any]:
        content = super().content()
        if self.cleaned_data.get("lado_referral") in ("", None):
            content["lado_referral"] = None
        return content


class NextDiscussionForm(PartForm):
    section = RecordSection.RECONVENE_DATE
    none_planned = forms.BooleanField(label="No further discussion is planned", required=False)
    next_on = GovukDateField(
        subject="the date of the next discussion", label="Date", required=False
    )
    at_time = GovukTimeField(subject="the time", label="Time", required=False)
    venue = forms.CharField(
        label="Venue or virtual meeting link", required=False, max_length=sections.LINE_MAX
    )

    def initial_from(self, content: Mapping[str, Any]) -> dict[str, Any]:
        initial = super().initial_from(content)
        if content.get("next_on"):
            from datetime import date

            initial["next_on"] = date.fromisoformat(str(content["next_on"]))
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("none_planned") and data.get("next_on"):
            self.add_error("next_on", "Leave the date blank when no further discussion is planned")
        return data

    def content(self) -> dict[str, Any]:
        content = super().content()
        content["next_on"] = self.cleaned_data.get("next_on")
        at = self.cleaned_data.get("at_time")
        content["at_time"] = at.strftime("%H:%M") if at else ""
        return content


class RecordDistributionForm(PartForm):
    section = RecordSection.RECORD_DISTRIBUTION
    timescale = _text("Timescale for distributing the authorised record", rows=3)


class IcpcForm(PartForm):
    section = RecordSection.ICPC_ARRANGEMENTS
    head_of_service = forms.CharField(
        label="Head of Service the chair confirms the conference with",
        required=False,
        max_length=sections.LINE_MAX,
    )
    confirmed = yes_no_field(
        label="Has the Head of Service confirmed it?", required=False, required_message=""
    )
    notes = _text("Notes", "The Reviewing Service convenes it within 15 working days (R002.12)")

    def initial_from(self, content: Mapping[str, Any]) -> dict[str, Any]:
        initial = super().initial_from(content)
        value = content.get("confirmed")
        initial["confirmed"] = None if value is None else ("yes" if value else "no")
        return initial

    def content(self) -> dict[str, Any]:
        content = super().content()
        if self.cleaned_data.get("confirmed") in ("", None):
            content["confirmed"] = None
        return content


# --- owners: a person or an agency of the partnership ----------------------------------------


def owner_choices(
    people: Sequence[Professional], agencies: Sequence[Agency]
) -> list[tuple[str, str]]:
    """People first, then agencies, in one flat list (the GOV.UK select has no groups)."""
    return [
        ("", "Choose a person or an agency"),
        *[(f"person:{p.pk}", f"{p} ({p.agency.name})" if p.agency else str(p)) for p in people],
        *[(f"agency:{a.pk}", f"{a.name} (the agency)") for a in agencies],
    ]


def parse_owner(value: str) -> tuple[str, int] | None:
    kind, _, pk = value.partition(":")
    if kind in {"person", "agency"} and pk.isdigit():
        return kind, int(pk)
    return None


class ActionForm(GovukForm):
    owner = forms.ChoiceField(
        label="Who will do it?",
        help_text="A person, or an agency when the agency decides who",
        error_messages={
            "required": "Choose who will do it",
            "invalid_choice": "Choose who will do it",
        },
    )
    what = forms.CharField(
        label="What will they do?",
        max_length=sections.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what will be done"},
    )
    due_on = GovukDateField(
        subject="the date it is due", label="By when?", help_text="For example 27 3 2026"
    )
    why = forms.CharField(
        label="Why: what is it for?",
        max_length=sections.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the action is for"},
    )
    not_for_family = _flag()

    def __init__(
        self,
        *args: Any,
        people: Sequence[Professional],
        agencies: Sequence[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices(people, agencies)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(item: Mapping[str, Any]) -> dict[str, Any]:
        from datetime import date

        return {
            "owner": f"{item['owner_kind']}:{item['owner_id']}",
            "what": item["what"],
            "why": item["why"],
            "due_on": date.fromisoformat(str(item["due_on"])),
            "not_for_family": item.get("not_for_family", False),
        }

    def item(self, key: str | None) -> dict[str, Any]:
        owner = parse_owner(self.cleaned_data["owner"])
        assert owner is not None  # the choices only offer valid owners
        return {
            "key": key or uuid.uuid4().hex[:16],
            "owner_kind": owner[0],
            "owner_id": owner[1],
            "what": self.cleaned_data["what"],
            "why": self.cleaned_data["why"],
            "due_on": self.cleaned_data["due_on"].isoformat(),
            "not_for_family": self.cleaned_data["not_for_family"],
        }


class HrpmForm(PartForm):
    section = RecordSection.HRPM_CONSIDERATION
    owner = forms.ChoiceField(label="Who considers whether an HRPM is needed?", required=False)
    by_on = GovukDateField(subject="the date to decide by", label="By when?", required=False)
    notes = _text("Notes")

    def __init__(
        self,
        *args: Any,
        people: Sequence[Professional],
        agencies: Sequence[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices(people, agencies)  # type: ignore[attr-defined]

    def initial_from(self, content: Mapping[str, Any]) -> dict[str, Any]:
        from datetime import date

        initial = super().initial_from(content)
        if content.get("owner_id"):
            initial["owner"] = f"{content['owner_kind']}:{content['owner_id']}"
        if content.get("by_on"):
            initial["by_on"] = date.fromisoformat(str(content["by_on"]))
        return initial

    def content(self) -> dict[str, Any]:
        owner = parse_owner(self.cleaned_data.get("owner") or "")
        return {
            "owner_kind": owner[0] if owner else None,
            "owner_id": owner[1] if owner else None,
            "owner_name": "",
            "by_on": self.cleaned_data.get("by_on"),
            "notes": self.cleaned_data.get("notes", ""),
        }


# --- the per-person and per-agency parts -------------------------------------------------------


class AttendanceForm(GovukForm):
    """One question per invitee: attended, sent apologies or did not attend."""

    def __init__(self, *args: Any, content: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(content.get("rows", []))
        choices = [(s.value, label) for s, label in sections.ATTENDANCE_LABELS.items()]
        for row in self.rows:
            name = f"status_{row['professional_id']}"
            self.fields[name] = forms.ChoiceField(
                label=f"{row['name']}, {row['role']}, {row['agency']}".strip(", "),
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
                initial=row.get("status"),
            )
        self.fields["agency_information_confirmed"] = forms.BooleanField(
            label="Everyone who attended brought their agency's information and could make "
            "decisions for their agency",
            help_text="R001.7",
            required=False,
            initial=content.get("agency_information_confirmed", False),
        )
        self.fields["notes"] = _text("Notes")
        self.fields["notes"].initial = content.get("notes", "")
        safety_forms.add_format_fields(self, content)

    def content(self) -> dict[str, Any]:
        return {
            "rows": [
                {**row, "status": self.cleaned_data.get(f"status_{row['professional_id']}") or None}
                for row in self.rows
            ],
            "agency_information_confirmed": self.cleaned_data["agency_information_confirmed"],
            "notes": self.cleaned_data["notes"],
            **safety_forms.format_content(self.cleaned_data),
        }


class InformationSharedForm(GovukForm):
    """What each attending agency shared (R001.12); for a review, progress and updated risk."""

    def __init__(
        self,
        *args: Any,
        content: Mapping[str, Any],
        agencies: Sequence[tuple[str, str]],
        review: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        existing = {c.get("agency"): c for c in content.get("contributions", [])}
        names = [name for name, _ in agencies] + [
            name for name in existing if name and name not in {n for n, _ in agencies}
        ]
        self.agencies = []
        for index, agency in enumerate(names):
            found = existing.get(agency, {})
            shared_by = dict(agencies).get(agency, found.get("shared_by", ""))
            prefix = f"a{index}"
            self.fields[f"{prefix}_information"] = _text(
                f"{agency}: information shared",
                "The child's needs, risks and circumstances as this agency knows them",
            )
            self.fields[f"{prefix}_information"].initial = found.get("information", "")
            if review:
                self.fields[f"{prefix}_action_progress"] = _text(
                    f"{agency}: progress on the agreed actions"
                )
                self.fields[f"{prefix}_action_progress"].initial = found.get("action_progress", "")
                self.fields[f"{prefix}_updated_risk"] = _text(
                    f"{agency}: updated assessment of risk"
                )
                self.fields[f"{prefix}_updated_risk"].initial = found.get("updated_risk", "")
            self.fields[f"{prefix}_not_for_family"] = _flag()
            self.fields[f"{prefix}_not_for_family"].initial = found.get("not_for_family", False)
            self.agencies.append((prefix, agency, shared_by))
        safety_forms.add_consent_fields(self, content)

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (agency, [self[name] for name in self.fields if name.startswith(f"{prefix}_")])
            for prefix, agency, _ in self.agencies
        ]

    def content(self) -> dict[str, Any]:
        contributions = []
        for prefix, agency, shared_by in self.agencies:
            contribution = {
                "agency": agency,
                "shared_by": shared_by,
                "information": self.cleaned_data.get(f"{prefix}_information", ""),
                "action_progress": self.cleaned_data.get(f"{prefix}_action_progress", ""),
                "updated_risk": self.cleaned_data.get(f"{prefix}_updated_risk", ""),
                "not_for_family": self.cleaned_data.get(f"{prefix}_not_for_family", False),
            }
            if any(contribution[k] for k in ("information", "action_progress", "updated_risk")):
                contributions.append(contribution)
        return {"contributions": contributions, **safety_forms.consent_content(self.cleaned_data)}


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
        choices = [(v.value, label) for v, label in sections.VIEW_LABELS.items()]
        for person in attendees:
            pk = person["professional_id"]
            found = existing.get(pk, {})
            self.fields[f"view_{pk}"] = forms.ChoiceField(
                label=f"{person['name']}, {person['agency']}".strip(", "),
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
                initial=found.get("view"),
            )
            self.fields[f"comment_{pk}"] = _text("Their reasons", rows=2)
            self.fields[f"comment_{pk}"].initial = found.get("comment", "")
            self.fields[f"not_for_family_{pk}"] = _flag()
            self.fields[f"not_for_family_{pk}"].initial = found.get("not_for_family", False)
            safety_forms.add_view_fields(self, pk, found)
            self.people.append(pk)

    def groups(self) -> list[list[forms.BoundField]]:
        return [[self[name] for name in safety_forms.view_field_names(pk)] for pk in self.people]

    def content(self) -> dict[str, Any]:
        views = [
            {
                "professional_id": pk,
                "view": self.cleaned_data.get(f"view_{pk}") or None,
                "comment": self.cleaned_data.get(f"comment_{pk}", ""),
                "not_for_family": self.cleaned_data.get(f"not_for_family_{pk}", False),
                **safety_forms.view_content(self.cleaned_data, pk),
            }
            for pk in self.people
        ]
        keep = ("view", "comment", "no_view_reason", "s47_by", "at_risk_without_action")
        return {"views": [v for v in views if any(v[k] not in (None, "") for k in keep)]}


class ActionsListForm(GovukForm):
    none_agreed = forms.BooleanField(label="No actions were agreed", required=False)


class HoldForm(GovukForm):
    held_on = GovukDateField(subject="the date it was held", label="Date")
    held_at = GovukTimeField(subject="the time it started", label="Time it started")


class CorrectionForm(GovukForm):
    note = forms.CharField(
        label="What needs correcting?",
        help_text="Everyone who received the record sees this with the new version",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what needs correcting"},
    )


class ConfirmForm(GovukForm):
    accurate = yes_no_field(
        label="Is the record accurate?", required_message="Select whether the record is accurate"
    )
    comment = forms.CharField(
        label="What needs correcting?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("accurate") is False and not (data.get("comment") or "").strip():
            self.add_error("comment", "Enter what needs correcting")
        return data


class ResolveForm(GovukForm):
    note = forms.CharField(
        label="Why no change is needed",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why no change is needed"},
    )


SIMPLE_FORMS: dict[RecordSection, type[PartForm]] = {
    **{section: text_part_form(section) for section in TEXT_PARTS},
    RecordSection.RISK_ASSESSMENT: RiskAssessmentForm,
    RecordSection.DECISION: DecisionForm,
    RecordSection.DIVERSITY_INTERPRETER: DiversityForm,
    RecordSection.FAMILY_COMMUNICATION: FamilyCommunicationForm,
    RecordSection.LADO_LEGAL: LadoLegalForm,
    RecordSection.RECONVENE_DATE: NextDiscussionForm,
    RecordSection.RECORD_DISTRIBUTION: RecordDistributionForm,
    RecordSection.ICPC_ARRANGEMENTS: IcpcForm,
}
