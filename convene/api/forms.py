from django import forms

from convene.api.models import ApiToken
from convene.core.forms import GovukForm

NAME_MAX = ApiToken._meta.get_field("name").max_length


class ApiTokenForm(GovukForm):
    name = forms.CharField(
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter a name for the token",
            "max_length": f"The name must be {NAME_MAX} characters or fewer",
        },
    )
    read_only = forms.BooleanField(required=False)
