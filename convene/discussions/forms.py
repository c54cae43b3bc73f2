"""Forms for convening and changing a discussion, and answering an invitation: parsing only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from convene.core.forms import (
    GovukDateField,
    GovukForm,
    GovukTimeField,
    SearchableSelect,
    london_datetime,
)
from convene.core.limits import NOTE_MAX
from convene.discussions.checks import schedule_problems
from convene.discussions.models import Discussion, Invitation
from convene.people.models import Child, Professional


class PersonField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One person, found by typing a name, agency or role (the option says all three)."""

    widget = SearchableSelect

    def label_from_instance(self, obj: Professional) -> str:
        return person_label(obj)


def person_label(person: Professional) -> str:
    """Name, job and agency: what a convenor types to find someone."""
    parts = [str(person), person.job_title, person.agency.name if person.agency else ""]
    return ", ".join(part for part in parts if part)


class PeopleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Professional) -> str:
        return f"{obj}, {obj.job_title}" if obj.job_title else str(obj)


# Where the service's complaint about a time shows on the page.
WHEN_FIELDS = {"starts_at": "date", "ends_at": "end_time"}


class WhenForm(GovukForm):
    date = GovukDateField(
        label="Date", subject="the date of the discussion", help_text="For example, 27 3 2026"
    )
    start_time = GovukTimeField(
        label="Start time", subject="the start time", help_text="For example, 14:00"
    )
    end_time = GovukTimeField(
        label="End time", subject="the end time", help_text="For example, 15:00"
    )
    venue = forms.CharField(
        label="Venue",
        required=False,
        max_length=300,
        help_text="Leave blank for a virtual meeting only",
    )
    virtual_link = forms.CharField(
        label="Virtual meeting link",
        required=False,
        max_length=500,
        help_text="For example, https://meet.example.org/abc. "
        "Leave blank if meeting in person only.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start:
            data["starts_at"] = london_datetime(day, start)
        if day and end:
            data["ends_at"] = london_datetime(day, end)
        if "starts_at" in data and "ends_at" in data:
            # The service's own checks, here too, so that every mistake shows at once.
            for problem in schedule_problems(
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                venue=data.get("venue", ""),
                virtual_link=data.get("virtual_link", ""),
                now=timezone.now(),
            ):
                field = WHEN_FIELDS.get(problem.field or "", problem.field)
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, problem.message)
        elif not data.get("venue", "").strip() and not data.get("virtual_link", "").strip():
            self.add_error("venue", "Enter a venue or a link to the virtual meeting")
        return data


class ConveneForm(WhenForm):
    kind = forms.ChoiceField(
        label="Strategy discussion or strategy meeting?",
        choices=Discussion.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a strategy discussion or a strategy meeting"},
    )
    children = forms.MultipleChoiceField(
        label="Which children will be discussed?",
        widget=forms.CheckboxSelectMultiple,
        help_text="Include siblings and other children of the household who may be affected",
        error_messages={"required": "Select at least one child to discuss"},
    )
    chair = PersonField(
        label="Chair",
        queryset=Professional.objects.none(),
        empty_label="Select the chair",
        error_messages={"required": "Select who chairs the discussion"},
    )
    invitees = PeopleField(
        label="Who is invited?",
        queryset=Professional.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only professionals of the partnership's agencies can be invited. Parents, "
        "carers and family members are never invited. The chair is invited too.",
    )
    allow_missing_required = forms.BooleanField(
        label="Go ahead without the required people who are not invited",
        required=False,
        help_text="Their absence will show on the discussion and in reports",
    )

    field_order = [
        "kind",
        "children",
        "date",
        "start_time",
        "end_time",
        "venue",
        "virtual_link",
        "chair",
        "invitees",
    ]

    def __init__(
        self,
        *args: Any,
        children: list[tuple[Child, bool]],
        chairs: Any,
        invitable: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["children"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(child.pk), child.full_name) for child, _own in children]
        field.option_hints = {  # type: ignore[attr-defined]
            str(child.pk): "On the referral" if own else "Sibling or other child of the household"
            for child, own in children
        }
        self.choose_from(chair=chairs, invitees=invitable)
        self.child_lookup = {str(child.pk): child for child, _own in children}

    def clean_children(self) -> list[Child]:
        return [self.child_lookup[value] for value in self.cleaned_data["children"]]


class ScheduleForm(WhenForm):
    chair = PersonField(
        label="Chair",
        queryset=Professional.objects.none(),
        required=False,
        empty_label="Keep the current chair",
    )
    allow_missing_required = forms.BooleanField(
        label="Go ahead without the required people who are not invited",
        required=False,
        help_text="Their absence will show on the discussion and in reports",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, chairs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chair = self.fields["chair"]
        assert isinstance(chair, forms.ModelChoiceField)
        if chairs is None:  # rescheduling: the chair and who is invited are already settled
            del self.fields["chair"]
            del self.fields["allow_missing_required"]
        else:
            chair.queryset = chairs


class InviteForm(GovukForm):
    invitees = PeopleField(
        label="Who else is invited?",
        queryset=Professional.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one person to invite"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, invitable: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choose_from(invitees=invitable)


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why is it cancelled?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Everyone invited is told, with this reason",
        max_length=NOTE_MAX,
        error_messages={
            "required": "Enter the reason for cancelling",
            "max_length": f"The reason must be {NOTE_MAX} characters or fewer",
        },
    )
    close_referral = forms.BooleanField(
        label="A strategy discussion is no longer needed: close the referral",
        required=False,
        help_text="Leave unticked if the discussion will be rearranged: the convene-by deadline "
        "keeps running",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RespondForm(GovukForm):
    response = forms.ChoiceField(
        label="Can you attend?",
        choices=[
            (Invitation.Response.ACCEPTED, "Yes, I will attend"),
            (Invitation.Response.APOLOGIES, "No, I send my apologies"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you can attend"},
    )
    note = forms.CharField(
        label="Apologies and who attends instead (optional)",
        required=False,
        max_length=NOTE_MAX,
        error_messages={"max_length": f"Your note must be {NOTE_MAX} characters or fewer"},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, who will represent your agency, or what you will send instead",
    )
