from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from convene.api.models import ApiToken, WebhookEndpoint
from convene.api.webhooks import EVENT_LABELS, url_check
from convene.core.forms import GovukForm
from convene.people.models import Partnership

NAME_MAX = ApiToken._meta.get_field("name").max_length
WEBHOOK_NAME_MAX = WebhookEndpoint._meta.get_field("name").max_length


class ApiTokenForm(GovukForm):
    name = forms.CharField(
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter a name for the token",
            "max_length": f"The name must be {NAME_MAX} characters or fewer",
        },
    )
    read_only = forms.BooleanField(required=False)


class WebhookAddressFields(GovukForm):
    """The address and events of an endpoint: one definition for the page and the admin."""

    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        error_messages={
            "required": "Enter the address events are sent to",
            "invalid": "Enter an address like https://casesystem.example.org/convene/events",
            "max_length": "The address must be 500 characters or fewer",
        },
    )
    events = forms.MultipleChoiceField(
        label="Events to send",
        choices=list(EVENT_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose events from the list"},
    )

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"])
        try:
            url_check(url)
        except ValidationError as refused:
            raise ValidationError(refused.messages[0]) from None
        return url


class WebhookEndpointForm(WebhookAddressFields):
    name = forms.CharField(
        label="Name of the receiving system",
        max_length=WEBHOOK_NAME_MAX,
        error_messages={
            "required": "Enter the name of the system that receives the events",
            "max_length": f"The name must be {WEBHOOK_NAME_MAX} characters or fewer",
        },
    )
    partnership = forms.ModelChoiceField(
        label="Partnership",
        queryset=Partnership.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the partnership whose events are sent",
            "invalid_choice": "Choose one of your partnerships",
        },
    )

    def __init__(self, *args: Any, partnerships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choose_from(partnership=partnerships)
