"""Forms of the High Risk Planning Meeting pages: start, record a meeting, add an action, end."""

from __future__ import annotations

from collections.abc import Sequence
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
    text_field,
)
from convene.people.models import Agency, Professional
from convene.records.forms import owner_field, parse_owner
from convene.records.sections._forms import OwnerChoices


class HrpmCreateForm(GovukForm):
    risk_assessment = text_field(
        "Stand-alone risk assessment", hint="The risks, for example exploitation, and mitigation"
    )
    young_persons_view = text_field(
        "The young person's own view of the risk", hint="Central to the HRPM"
    )
    first_meeting_on = GovukDateField(
        label="Date of the first meeting (optional)",
        subject="the date of the first meeting",
        required=False,
    )


class HrpmMeetingForm(PeopleAndMomentForm):
    people_field = "attendees"
    moment = ("held_on", "held_time", "held_at")
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
    young_person_absent_reason = text_field("If not, why not?", rows=3)
    young_persons_view = text_field(
        "The young person's view of the risk", hint="Required, attended or not"
    )
    risk_assessment = text_field("Updated risk assessment")
    safety_plan = text_field(
        "Safety plan", hint="How it increases the young person's safety and mitigates risk"
    )
    next_meeting_on = GovukDateField(
        label="Date of the next meeting",
        subject="the date of the next meeting",
        help_text="It meets monthly",
    )


class HrpmActionForm(OwnerChoices, GovukForm):
    owner = owner_field()
    what = text_field("What will they do?", rows=3)
    due_on = GovukDateField(label="By when?", subject="the date it is due")

    def __init__(
        self, *args: Any, people: Sequence[Professional], agencies: Sequence[Agency], **kwargs: Any
    ) -> None:
        # OwnerChoices offers them as the owner's choices; the chosen one is found here.
        super().__init__(*args, people=people, agencies=agencies, **kwargs)
        self.people = {p.pk: p for p in people}
        self.agencies = {a.pk: a for a in agencies}

    def chosen_owner(self) -> Professional | Agency | None:
        parsed = parse_owner(self.cleaned_data.get("owner", ""))
        if parsed is None:
            return None
        kind, pk = parsed
        return self.people.get(pk) if kind == "person" else self.agencies.get(pk)


class HrpmEndForm(GovukForm):
    reason = text_field("Why is the HRPM no longer needed?", rows=3)
