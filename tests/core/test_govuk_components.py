"""GOV.UK components render from one cached Jinja environment, with unchanged HTML.

Issue 15: govuk-frontend-django 0.22 compiled a Jinja environment per component render.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from govuk_frontend_django.components.base import GovUKComponent

from convene.core import govuk_components

HOSTILE = '<script>alert("x")</script> & "quotes"'

COMPONENTS: list[tuple[str, str, dict[str, Any]]] = [
    ("button", "govukButton", {"text": HOSTILE, "classes": "govuk-button--secondary"}),
    (
        "error-summary",
        "govukErrorSummary",
        {"titleText": "There is a problem", "errorList": [{"text": HOSTILE, "href": "#x"}]},
    ),
    (
        "summary-list",
        "govukSummaryList",
        {
            "rows": [
                {"key": {"text": "Name"}, "value": {"text": HOSTILE}, "actions": None},
                {"key": {"text": "Born"}, "value": {"html": "<b>1 May 2019</b>"}},
            ]
        },
    ),
    (
        "radios",
        "govukRadios",
        {
            "name": "choice",
            "fieldset": {"legend": {"text": "Pick one", "isPageHeading": True}},
            "items": [
                {"value": "a", "text": "A", "checked": True},
                {"value": "b", "text": HOSTILE},
            ],
            "errorMessage": {"text": "Select one"},
        },
    ),
    (
        "input",
        "govukInput",
        {"id": "q", "name": "q", "label": {"text": "Search"}, "value": HOSTILE},
    ),
    ("tag", "govukTag", {"text": "Overdue", "classes": "govuk-tag--red"}),
]


def _component(folder: str, macro: str) -> GovUKComponent:
    component = GovUKComponent()
    component.set_jinja2_template(f"govuk_frontend_jinja/components/{folder}/macro.html")  # type: ignore[no-untyped-call]
    component.set_macro_name(macro)  # type: ignore[no-untyped-call]
    return component


@pytest.mark.parametrize(("folder", "macro", "data"), COMPONENTS)
def test_a_cached_component_renders_exactly_as_the_library_does(
    folder: str, macro: str, data: dict[str, Any]
) -> None:
    cached = _component(folder, macro).render(component_data=dict(data))
    original = govuk_components.render_uncached(
        _component(folder, macro), component_data=dict(data)
    )
    assert str(cached) == original
    assert "<script>" not in original


def test_rendering_again_compiles_nothing_new() -> None:
    for folder, macro, data in COMPONENTS:
        str(_component(folder, macro).render(component_data=dict(data)))
    before = govuk_components._template.cache_info()
    for folder, macro, data in COMPONENTS:
        str(_component(folder, macro).render(component_data=dict(data)))
    after = govuk_components._template.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + len(COMPONENTS)


def _without_tokens(html: str) -> str:
    # The CSRF token and the one-time form token (issue 12) differ on every render.
    return re.sub(r'name="(csrfmiddlewaretoken|form_token)" value="[^"]+"', "", html)


@pytest.mark.django_db
def test_a_whole_page_is_byte_for_byte_the_same(client: Any, people: Any, monkeypatch: Any) -> None:
    """Home with a search, as a social worker: every component on it, cached and not."""
    client.force_login(people["alice"])
    cached = _without_tokens(client.get("/?q=a").content.decode())
    original = govuk_components._original_render
    for name in ("render", "__str__", "__html__"):
        monkeypatch.setattr(GovUKComponent, name, original)
    assert _without_tokens(client.get("/?q=a").content.decode()) == cached


def test_the_library_render_is_replaced_once_django_is_set_up() -> None:
    assert GovUKComponent.render is govuk_components.render
    assert GovUKComponent.__html__ is govuk_components.render  # type: ignore[attr-defined]
