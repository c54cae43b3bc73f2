from __future__ import annotations

import re

from django import forms

from convene.core.forms import GovukForm

CODE_DIGITS = 6


class CodeForm(GovukForm):
    code = forms.CharField(
        max_length=20,
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "max_length": "The code must be 6 digits",
        },
    )

    def clean_code(self) -> str:
        # People copy codes as "123 456" or "123-456".
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not (code.isascii() and code.isdigit() and len(code) == CODE_DIGITS):
            raise forms.ValidationError("The code must be 6 digits")
        return code
