"""Forms of the follow-through pages: they parse what was typed, nothing more.

The rules (who may, what is required and why, the timescales) are the
services'; most text fields are optional here so that the service's message,
with its requirement id, is the one the page shows.
"""

from __future__ import annotations

from typing import Any

from django import forms

from convene.core.forms import (
    GovukDateField,
    GovukForm,
    GovukTimeField,
    yes_no_field,
)
from convene.followup.fields import (
    PeopleAndMomentForm,
    PeopleField,
    VersionedForm,
    text_field,
)
from convene.followup.vocab import (
    S47_OUTCOME_LABELS,
    S47Outcome,
    choices,
)
from convene.people.models import Professional


class VisitForm(PeopleAndMomentForm):
    people_field = "visitors"
    moment = ("visited_on", "visited_time", "visited_at")
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
    not_seen_alone_reason = text_field("If not, why not?", rows=3)
    notes = text_field("Notes of the visit (optional)")


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
    reasons = text_field("Reasons for the outcome", rows=5)

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
    risk_considered = text_field("The core group's view of the ongoing risk")
    plan_changes = text_field("How the child protection plan was reviewed and updated")


class OversightForm(GovukForm):
    note = text_field(
        "Management oversight",
        hint="Your view, as manager, of the updated plan and of the ongoing risk",
    )


class CarePlanReviewForm(GovukForm):
    reviewed_on = GovukDateField(
        label="When was the care plan reviewed?",
        subject="the date of the review",
        help_text="For example, 12 3 2026",
    )
    plan_changes = text_field("How the care plan was updated")
    risk_assessment = text_field(
        "Stand-alone risk assessment", hint="The risks, how serious, and what mitigates them"
    )
    young_persons_view = text_field(
        "The young person's own view of the risk",
        hint="Central to the review and the risk assessment",
    )


class HrpmDecisionForm(GovukForm):
    needed = yes_no_field(
        label="Is a High Risk Planning Meeting needed?",
        required_message="Select whether an HRPM is needed",
        help_text="To oversee the ongoing risk, for example exploitation",
    )
    reasons = text_field("Reasons for the decision")
    first_meeting_on = GovukDateField(
        label="Date of the first HRPM (if needed)",
        subject="the date of the first HRPM",
        required=False,
        help_text="For example, 20 3 2026",
    )


class CloseForm(GovukForm):
    note = text_field("Closing note (optional)", rows=3)
