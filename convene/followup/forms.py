"""Forms of the follow-through pages: they parse what was typed, nothing more.

The rules (who may, what is required and why, the timescales) are the
services'; most text fields are optional here so that the service's message,
with its requirement id, is the one the page shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from convene.core.forms import (
    GovukDateField,
    GovukForm,
    GovukTimeField,
    london_datetime,
    yes_no_field,
)
from convene.followup.models import S47Enquiry
from convene.followup.vocab import (
    ACTION_PROGRESS_LABELS,
    S47_OUTCOME_LABELS,
    S47Outcome,
    choices,
)
from convene.people.models import Agency, Professional
from convene.records.forms import owner_choices, owner_field, parse_owner

TEXT_MAX = 10_000


def _text(label: str, hint: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class PeopleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Professional) -> str:
        agency = f", {obj.agency.name}" if obj.agency else ""
        return f"{obj}{agency}"


class VersionedForm(GovukForm):
    """Carries the version of the record the page showed (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def _when(form: forms.Form, day_field: str, time_field: str, target: str) -> None:
    day, at = form.cleaned_data.get(day_field), form.cleaned_data.get(time_field)
    if day and at:
        form.cleaned_data[target] = london_datetime(day, at)


# --- S47 ---------------------------------------------------------------------------------


class VisitForm(VersionedForm):
    visited_on = GovukDateField(
        label="Date of the visit",
        subject="the date of the visit",
        help_text="For example, 5 3 2026",
    )
    visited_time = GovukTimeField(
        label="Time of the visit", subject="the time of the visit", help_text="For example, 09:30"
    )
    visitors = PeopleField(
        label="Who visited?",
        queryset=Professional.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Children's social care visits; include the police officer on a joint visit",
        error_messages={"required": "Select who visited"},
    )
    seen_alone = yes_no_field(
        label="Was the child seen alone?",
        required_message="Select whether the child was seen alone",
    )
    not_seen_alone_reason = _text("If not, why not?", rows=3)
    notes = _text("Notes of the visit (optional)")

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visitors"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        _when(self, "visited_on", "visited_time", "visited_at")
        return self.cleaned_data


class OutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(
        label="What is the outcome of the S47 enquiry?",
        choices=choices(S47_OUTCOME_LABELS),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the enquiry"},
    )
    other_service = forms.CharField(
        label="Which service is the family referred to?", required=False, max_length=300
    )
    reasons = _text("Reasons for the outcome", rows=5)

    def __init__(self, *args: Any, route_hint: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].option_hints = {  # type: ignore[attr-defined]
            S47Outcome.SIGNIFICANT_HARM.value: route_hint,
        }


class CoreGroupReviewForm(GovukForm):
    held_on = GovukDateField(
        label="When did the core group meet?",
        subject="the date the core group met",
        help_text="For example, 12 3 2026",
    )
    risk_considered = _text("The core group's view of the ongoing risk")
    plan_changes = _text("How the child protection plan was reviewed and updated")


class OversightForm(GovukForm):
    note = _text(
        "Management oversight",
        hint="Your view, as manager, of the updated plan and of the ongoing risk",
    )


class CarePlanReviewForm(GovukForm):
    reviewed_on = GovukDateField(
        label="When was the care plan reviewed?",
        subject="the date of the review",
        help_text="For example, 12 3 2026",
    )
    plan_changes = _text("How the care plan was updated")
    risk_assessment = _text(
        "Stand-alone risk assessment", hint="The risks, how serious, and what mitigates them"
    )
    young_persons_view = _text(
        "The young person's own view of the risk",
        hint="Central to the review and the risk assessment",
    )


class HrpmDecisionForm(GovukForm):
    needed = yes_no_field(
        label="Is a High Risk Planning Meeting needed?",
        required_message="Select whether an HRPM is needed",
        help_text="To oversee the ongoing risk, for example exploitation",
    )
    reasons = _text("Reasons for the decision")
    first_meeting_on = GovukDateField(
        label="Date of the first HRPM (if needed)",
        subject="the date of the first HRPM",
        required=False,
        help_text="For example, 20 3 2026",
    )


class CloseForm(GovukForm):
    note = _text("Closing note (optional)", rows=3)


# --- ICPC ---------------------------------------------------------------------------------


class IcpcConfirmForm(VersionedForm):
    note = _text("Note (optional)", rows=3)


class IcpcDateForm(VersionedForm):
    conference_on = GovukDateField(
        label="Date of the conference",
        subject="the date of the conference",
        help_text="For example, 20 3 2026",
    )
    conference_time = GovukTimeField(
        label="Start time", subject="the start time", help_text="For example, 10:00"
    )
    venue = forms.CharField(label="Venue", required=False, max_length=300)
    late_reason = _text(
        "If after the deadline: why can it not be held sooner?",
        hint="The conference is due within 15 working days of the strategy discussion",
        rows=3,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        _when(self, "conference_on", "conference_time", "conference_at")
        return self.cleaned_data


class HeldForm(VersionedForm):
    held_on = GovukDateField(label="Date held", subject="the date it was held")
    held_time = GovukTimeField(label="Time", subject="the time it started")

    def clean(self) -> dict[str, Any]:
        super().clean()
        _when(self, "held_on", "held_time", "held_at")
        return self.cleaned_data


class IcpcOutcomeForm(VersionedForm):
    """One Yes/No per child the conference was about: did it put the child on a plan?"""

    def __init__(
        self, data: Any = None, *, enquiries: Sequence[S47Enquiry], initial: dict[str, Any]
    ) -> None:
        super().__init__(data, initial=initial)
        for enquiry in enquiries:
            name = enquiry.child.full_name
            self.fields[f"plan_{enquiry.pk}"] = yes_no_field(
                label=f"Is {name} now on a child protection plan?",
                required_message=f"Select whether {name} is on a child protection plan",
            )
            if enquiry.cp_plan is not None:
                self.initial[f"plan_{enquiry.pk}"] = "yes" if enquiry.cp_plan else "no"

    def plans(self) -> dict[int, bool]:
        return {
            int(name.removeprefix("plan_")): bool(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("plan_")
        }


# --- Actions, reviews ---------------------------------------------------------------------


class ActionUpdateForm(VersionedForm):
    status = forms.ChoiceField(
        label="Where does the action stand?",
        choices=choices(ACTION_PROGRESS_LABELS),
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the action stands"},
    )
    note = _text("Update", hint="What has been done, and what is next", rows=4)


class ReviewRequestForm(GovukForm):
    new_information = _text(
        "What is the new information?", hint="What has come to light since the discussion"
    )
    effect_on_plan = _text(
        "How does it affect the safeguarding plan?",
        hint="A review is held only when new information affects the plan",
    )
    immediate_risk = yes_no_field(
        label="Does it put the child at immediate risk?",
        required_message="Select whether the child is at immediate risk",
        help_text="Immediate risk means the review is held the same day",
    )


class ReconveneForm(GovukForm):
    """Convene the reconvened discussion the record planned: nothing to enter (R002.13)."""


# --- HRPM ---------------------------------------------------------------------------------


class HrpmCreateForm(GovukForm):
    risk_assessment = _text(
        "Stand-alone risk assessment", hint="The risks, for example exploitation, and mitigation"
    )
    young_persons_view = _text(
        "The young person's own view of the risk", hint="Central to the HRPM"
    )
    first_meeting_on = GovukDateField(
        label="Date of the first meeting (optional)",
        subject="the date of the first meeting",
        required=False,
    )


class HrpmMeetingForm(VersionedForm):
    held_on = GovukDateField(label="Date of the meeting", subject="the date of the meeting")
    held_time = GovukTimeField(label="Time", subject="the time of the meeting")
    attendees = PeopleField(
        label="Who attended?",
        queryset=Professional.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="A multi-agency forum: professionals from at least two agencies",
        error_messages={"required": "Select who attended"},
    )
    young_person_attended = yes_no_field(
        label="Did the young person attend?",
        required_message="Select whether the young person attended",
    )
    young_person_absent_reason = _text("If not, why not?", rows=3)
    young_persons_view = _text(
        "The young person's view of the risk", hint="Required, attended or not"
    )
    risk_assessment = _text("Updated risk assessment")
    safety_plan = _text(
        "Safety plan", hint="How it increases the young person's safety and mitigates risk"
    )
    next_meeting_on = GovukDateField(
        label="Date of the next meeting",
        subject="the date of the next meeting",
        help_text="It meets monthly",
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        _when(self, "held_on", "held_time", "held_at")
        return self.cleaned_data


class HrpmActionForm(GovukForm):
    owner = owner_field()
    what = _text("What will they do?", rows=3)
    due_on = GovukDateField(label="By when?", subject="the date it is due")

    def __init__(
        self,
        *args: Any,
        people: Sequence[Professional],
        agencies: Sequence[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices(people, agencies)  # type: ignore[attr-defined]
        self.people = {p.pk: p for p in people}
        self.agencies = {a.pk: a for a in agencies}

    def chosen_owner(self) -> Professional | Agency | None:
        parsed = parse_owner(self.cleaned_data.get("owner", ""))
        if parsed is None:
            return None
        kind, pk = parsed
        return self.people.get(pk) if kind == "person" else self.agencies.get(pk)


class HrpmEndForm(GovukForm):
    reason = _text("Why is the HRPM no longer needed?", rows=3)
