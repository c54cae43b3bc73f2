"""Oversized input is refused with a clear message: every free-text field has a limit.

Walks every form class in ``convene/*/forms.py`` (and a topic's, ``convene/*/*/forms.py``):
each text field carries ``max_length``, and a value one character too long is refused in
GOV.UK words ("X must be N characters or fewer"), never Django's default. Then a page and
the API refuse the same input and write nothing.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError

from convene.core.forms import GovukForm, govuk_length_message
from convene.core.limits import NOTE_MAX, TEXT_MAX
from tests.api.conftest import tokens  # noqa: F401 - fixture
from tests.convening import accepted_for  # noqa: F401 - fixture

APPS = Path(__file__).resolve().parents[2] / "convene"
GOVUK = re.compile(r"^\S.* must be \d+ characters or fewer$")


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for path in sorted([*APPS.glob("*/forms.py"), *APPS.glob("*/*/forms.py")]):
        dotted = ".".join(path.relative_to(APPS.parent).with_suffix("").parts)
        module = importlib.import_module(dotted)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


FORMS = _form_classes()
TEXT_FIELDS = [
    (f"{cls.__module__}.{cls.__name__}.{name}", field)
    for cls in FORMS
    for name, field in cls.base_fields.items()
    if isinstance(field, forms.CharField)
]


def test_the_walk_finds_the_forms():
    assert len(FORMS) > 40
    assert len(TEXT_FIELDS) > 40


@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_form_speaks_govuk(cls):
    assert issubclass(cls, GovukForm), "subclass convene.core.forms.GovukForm"


@pytest.mark.parametrize(("where", "field"), TEXT_FIELDS, ids=[w for w, _ in TEXT_FIELDS])
def test_every_text_field_has_a_limit_and_says_it_plainly(where, field):
    assert field.max_length is not None, f"{where} has no max_length"
    field = copy.deepcopy(field)
    govuk_length_message(field)
    too_long = "x" * (field.max_length + 1)
    with pytest.raises(ValidationError) as refused:
        field.clean(too_long)
    # An email field also finds the value is no address: the length is one of its complaints.
    [message] = [m for m in refused.value.messages if m != field.error_messages.get("invalid")]
    assert not message.startswith("Ensure this value"), f"{where}: Django's words"
    if not GOVUK.match(message):  # a field that words its own (a six-digit code)
        assert message == field.error_messages["max_length"], message


def test_the_message_names_the_field_from_its_label():
    field = forms.CharField(label="Why is it late? (optional)", max_length=3)
    govuk_length_message(field)
    with pytest.raises(ValidationError) as refused:
        field.clean("abcd")
    assert refused.value.messages == ["Why is it late must be 3 characters or fewer"]


# --- a page and the API refuse the same input and write nothing -----------------------------


@pytest.mark.django_db
def test_a_too_long_cancel_reason_is_refused_on_the_page(client, people, accepted_for):  # noqa: F811 - fixtures
    from convene.audit.models import AuditEntry
    from tests.convening import scheduled_discussion

    discussion = scheduled_discussion(referral=accepted_for(), people=people)
    client.force_login(people["bob"])
    changes = AuditEntry.objects.exclude(action__in=["view", "search"]).count()
    response = client.post(
        f"/discussions/{discussion.pk}/cancel/",
        {"reason": "x" * (NOTE_MAX + 1), "version": discussion.version},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"The reason must be {NOTE_MAX} characters or fewer" in html
    assert "<title>Error:" in html
    discussion.refresh_from_db()
    assert discussion.state == "scheduled"
    assert AuditEntry.objects.exclude(action__in=["view", "search"]).count() == changes


@pytest.mark.django_db
def test_a_too_long_cancel_reason_is_a_422_naming_the_field(client, people, accepted_for, tokens):  # noqa: F811 - fixtures
    from tests.api.conftest import bearer
    from tests.convening import scheduled_discussion

    discussion = scheduled_discussion(referral=accepted_for(), people=people)
    response = client.post(
        f"/api/discussions/{discussion.pk}/cancel",
        {"reason": "x" * (NOTE_MAX + 1), "expected_version": discussion.version},
        content_type="application/json",
        headers=bearer(tokens["bob"]),
    )
    assert response.status_code == 422, response.content
    assert "reason" in response.content.decode()
    discussion.refresh_from_db()
    assert discussion.state == "scheduled"


@pytest.mark.django_db
def test_a_too_long_account_is_a_422_naming_the_field(client, tokens):  # noqa: F811 - fixtures
    from tests.api.conftest import bearer

    response = client.post(
        "/api/referrals/",
        {"account": "x" * (TEXT_MAX + 1)},
        content_type="application/json",
        headers=bearer(tokens["alice"]),
    )
    assert response.status_code == 422
    assert "account" in response.content.decode()
