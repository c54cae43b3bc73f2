"""The question pages of the referral intake and the triage decision: parsing only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, TypeVar

from django import forms
from django.utils import timezone

from convene.core.forms import (
    GovukDateField,
    GovukForm,
    GovukTimeField,
    london_datetime,
    yes_no_field,
)
from convene.core.limits import NOTE_MAX, TEXT_MAX
from convene.people.models import Agency, Partnership, Professional, Sex
from convene.people.vocab import LEGAL_STATUS_LABELS, AgencyKind
from convene.policy.engine import ReasonAsked
from convene.referrals.models import (
    CONCERN_CATEGORY_LABELS,
    EXPLOITATION_RATING_LABELS,
    PATHWAY_LABELS,
    HowReceived,
)
from convene.referrals.reasons import field_name
from convene.referrals.selectors import partnership_agencies, restricted_record_readers

_Value = TypeVar("_Value", bound=Enum)


def labelled_choice(
    labels: Mapping[_Value, str], *, required_message: str, many: bool = False, **kwargs: Any
) -> forms.ChoiceField:
    """Radios (or, ``many``, checkboxes) offering each value of ``labels`` with its words."""
    field = forms.MultipleChoiceField if many else forms.ChoiceField
    return field(
        choices=[(value.value, words) for value, words in labels.items()],
        widget=forms.CheckboxSelectMultiple if many else forms.RadioSelect,
        error_messages={"required": required_message},
        **kwargs,
    )


class PartnershipForm(GovukForm):
    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        self.partnership = partnership
        super().__init__(*args, **kwargs)


class ReceivedForm(PartnershipForm):
    received_date = GovukDateField(
        label="Date received",
        subject="the date the concern was received",
        help_text="For example, 27 3 2026",
    )
    received_time = GovukTimeField(
        label="Time received",
        subject="the time the concern was received",
        help_text="Use the 24-hour clock, for example 09:30 or 14:05",
    )
    how_received = forms.ChoiceField(
        label="How was the concern received?",
        choices=HowReceived.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the concern was received"},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day, at = data.get("received_date"), data.get("received_time")
        if day and at:
            received = london_datetime(day, at)
            if received > timezone.now():
                self.add_error(
                    "received_date",
                    "The date and time the concern was received must be in the past",
                )
            data["received_at"] = received
        return data


class AgencyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Agency) -> str:
        return obj.name


class ReferrerForm(PartnershipForm):
    referrer_agency = AgencyChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Not a partner agency",
        help_text="Choose 'Not a partner agency' for a member of the public or another "
        "organisation",
    )
    referrer_organisation = forms.CharField(
        label="Organisation, if not a partner agency",
        required=False,
        max_length=200,
        help_text="For example, Member of the public, or the name of a private nursery",
    )
    referrer_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the referrer's name"}
    )
    referrer_role = forms.CharField(
        label="Role or relationship to the child", required=False, max_length=200
    )
    referrer_email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )
    referrer_phone = forms.CharField(label="Phone number", required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choose_from(referrer_agency=partnership_agencies(partnership=self.partnership))
        self.fields["referrer_email"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("referrer_agency") and not data.get("referrer_organisation", "").strip():
            self.add_error(
                "referrer_organisation",
                "Enter the referrer's organisation, or 'Member of the public'",
            )
        if (
            not data.get("referrer_email")
            and not data.get("referrer_phone", "").strip()
            and "referrer_email" not in self.errors
        ):
            self.add_error("referrer_email", "Enter the referrer's email address or phone number")
        return data


class AccountForm(PartnershipForm):
    account = forms.CharField(
        label="What happened, in the referrer's words?",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_MAX,
        help_text="Record what the referrer said, as they said it. Include what the child said, "
        "if anything, in the child's own words.",
        error_messages={
            "required": "Enter what happened, in the referrer's words",
            "max_length": f"What happened must be {TEXT_MAX} characters or fewer",
        },
    )


class ConversationForm(PartnershipForm):
    triage_conversation = forms.CharField(
        label="Your conversation with the referrer",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_MAX,
        required=False,
        help_text="What you asked the referrer to establish what happened, and their answers "
        ". Leave blank if you have not been able to speak to them yet.",
    )


class CategoriesForm(PartnershipForm):
    categories = labelled_choice(
        CONCERN_CATEGORY_LABELS,
        many=True,
        label="What kind of concern is it?",
        help_text="Select all that apply",
        required_message="Select at least one kind of concern",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].option_hints = {  # type: ignore[attr-defined]
            "penetrative_sexual": "Where forensic evidence may be needed",
            "missing_episode": "Missing episodes follow the trigger meeting process in some "
            "partnerships",
            "allegation_against_staff": "The record will be restricted to the people you name ",
        }


class RiskForm(PartnershipForm):
    significant_harm_suspected = yes_no_field(
        label="Is there reasonable cause to suspect the child is suffering, or likely to suffer, "
        "significant harm?",
        required_message="Select yes if there is reasonable cause to suspect significant harm",
        help_text="The threshold for a strategy discussion",
    )
    immediate_risk = yes_no_field(
        label="Is the child at immediate risk of significant harm?",
        required_message="Select yes if the child is at immediate risk",
        help_text="For example, a serious physical injury or serious neglect",
    )
    forensic_evidence_needed = yes_no_field(
        label="Must forensic evidence be secured?",
        required_message="Select yes if forensic evidence must be secured",
        help_text="For an allegation of penetrative sexual abuse",
    )


class HealthForm(PartnershipForm):
    in_hospital = yes_no_field(
        label="Is the child in hospital?",
        required_message="Select yes if the child is in hospital",
    )
    medical_needed = yes_no_field(
        label="May the child need a paediatric safeguarding medical?",
        required_message="Select yes if the child may need a medical",
        help_text="For example, an unexplained injury or a disclosed assault",
    )


class ExploitationForm(PartnershipForm):
    exploitation_rating = labelled_choice(
        EXPLOITATION_RATING_LABELS,
        label="What is the exploitation screening rating?",
        help_text="From the exploitation screening tool",
        required_message="Select the exploitation screening rating",
    )


class PlanningForm(PartnershipForm):
    agencies_key_to_planning = forms.IntegerField(
        label="How many agencies, besides children's social care, are key to the planning?",
        min_value=0,
        max_value=30,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        help_text="More than one points to a strategy meeting",
        error_messages={
            "required": "Enter how many agencies are key to the planning",
            "invalid": "Enter the number of agencies as a whole number, like 2",
            "min_value": "The number of agencies cannot be negative",
            "max_value": "The number of agencies must be 30 or fewer",
        },
    )
    complex_concerns = yes_no_field(
        label="Are the concerns complex?",
        required_message="Select yes if the concerns are complex",
        help_text="Non-immediate concerns needing detailed multi-agency planning",
    )
    ongoing_risk = yes_no_field(
        label="Is there an ongoing risk, for example of exploitation, to a child already known?",
        required_message="Select yes if there is an ongoing risk",
        help_text="For a child in care this raises the High Risk Planning Meeting question ",
    )
    review_requested = yes_no_field(
        label="Is this a request to review an earlier strategy discussion?",
        required_message="Select yes if this is a review",
    )
    new_information = yes_no_field(
        label="If it is a review, is there new information that affects the safeguarding plan?",
        required_message="Select yes if there is new information",
        help_text="Reviews are held only in exceptional cases. Answer no if this is not a review.",
    )


class PersonChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Professional) -> str:
        return f"{obj}, {obj.job_title}" if obj.job_title else str(obj)


class RestrictedForm(PartnershipForm):
    named_people = PersonChoiceField(
        label="Who else may see this restricted record?",
        queryset=Professional.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="An allegation against a member of staff is visible only to the people named "
        "on it. You are named already.",
        error_messages={"required": "Select at least one manager or the LADO"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choose_from(named_people=restricted_record_readers(partnership=self.partnership))


class SettingChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Agency) -> str:
        return obj.name


class NewChildForm(PartnershipForm):
    first_name = forms.CharField(
        label="First name",
        required=False,
        max_length=100,
        help_text="Leave blank for an unborn baby",
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        help_text="For an unborn baby, the family name",
        error_messages={"required": "Enter the child's last name, or the family name"},
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        subject="the child's date of birth",
        required=False,
        help_text="For example, 27 3 2015. Leave blank for an unborn baby.",
    )
    expected_date_of_delivery = GovukDateField(
        label="Expected date of delivery, for an unborn baby",
        subject="the expected date of delivery",
        required=False,
        help_text="For example, 14 9 2026",
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        initial=Sex.UNKNOWN,
        error_messages={"required": "Select the child's sex, or Not known"},
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=12,
        help_text="10 digits, for example 999 123 4560",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    legal_status = labelled_choice(
        LEGAL_STATUS_LABELS,
        label="Legal status",
        initial="none",
        required_message="Select the child's legal status",
    )
    setting = SettingChoiceField(
        label="School or setting (optional)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="None, or not known",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choose_from(
            setting=partnership_agencies(partnership=self.partnership).filter(
                kind__in=[AgencyKind.SCHOOL, AgencyKind.NURSERY]
            )
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        dates_ok = (
            "date_of_birth" not in self.errors and "expected_date_of_delivery" not in self.errors
        )
        born, due = data.get("date_of_birth"), data.get("expected_date_of_delivery")
        if dates_ok and born and due:
            self.add_error(
                "expected_date_of_delivery",
                "Enter a date of birth or an expected date of delivery, not both",
            )
        elif dates_ok and not born and not due:
            self.add_error(
                "date_of_birth",
                "Enter the child's date of birth or, for an unborn baby, the expected date "
                "of delivery",
            )
        if born and not data.get("first_name", "").strip():
            self.add_error("first_name", "Enter the child's first name")
        data["born"] = "yes" if born else "no"
        return data


class TriageForm(GovukForm):
    """The manager's decision: the pathway. The recommended one accepts; any other overrides,
    and then the reason is required."""

    pathway = forms.ChoiceField(
        label="Which pathway do you decide?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the pathway you decide"},
    )
    override_reason = forms.CharField(
        label="If you choose a pathway other than the recommendation, why?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX,
        error_messages={"max_length": f"The reason must be {NOTE_MAX} characters or fewer"},
        required=False,
        help_text="Your reason is kept with the record and shown in reports",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, recommended: str, asked: Sequence[ReasonAsked] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.recommended = recommended
        # R000.1, R004.7: a reason the pack asks before the pathway is decided.
        self.asked = list(asked)
        for item in self.asked:
            self.fields[field_name(item.rule_id)] = forms.CharField(
                label=item.question,
                help_text=item.summary,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=NOTE_MAX,
                error_messages={
                    "required": f"{item.question}: enter the reason",
                    "max_length": f"The reason must be {NOTE_MAX} characters or fewer",
                },
            )
        field = self.fields["pathway"]
        assert isinstance(field, forms.ChoiceField)
        choices = [(p.value, label) for p, label in PATHWAY_LABELS.items()]
        choices.sort(key=lambda choice: choice[0] != recommended)
        field.choices = choices
        field.option_hints = {recommended: "Recommended"} if recommended else {}  # type: ignore[attr-defined]

    @property
    def accepts(self) -> bool:
        return self.cleaned_data.get("pathway") == self.recommended

    @property
    def reasons(self) -> dict[str, str]:
        return {item.rule_id: self.cleaned_data[field_name(item.rule_id)] for item in self.asked}

    def reason_fields(self) -> list[forms.BoundField]:
        return [self[field_name(item.rule_id)] for item in self.asked]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("pathway") and not self.accepts and not data.get("override_reason", "").strip():
            self.add_error("override_reason", "Enter the reason for overriding the recommendation")
        return data
