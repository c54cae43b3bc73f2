"""GOV.UK components rendered from one Jinja environment per process.

``govuk-frontend-django`` 0.22 builds a new Jinja ``Environment`` and compiles the
component's macro template on every render (about 7 ms each, several per page).
``install()`` (called once from ``CoreConfig.ready``) replaces its render with one that
keeps a single environment, with the same loader and autoescaping, and compiles each
component's template once; the data passed and so the HTML are exactly as before
(tests/core/test_govuk_components.py compares them).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from govuk_frontend_django.components.base import GovUKComponent
from jinja2 import (
    ChoiceLoader,
    Environment,
    PackageLoader,
    PrefixLoader,
    Template,
    select_autoescape,
)

_original_render = GovUKComponent.render


@cache
def _environment() -> Environment:
    loader = ChoiceLoader(
        [PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    )
    # auto_reload off: the macros ship in an installed package and never change under us.
    return Environment(loader=loader, autoescape=select_autoescape(), auto_reload=False)


@cache
def _template(source: str) -> Template:
    return _environment().from_string(source)


def _without_none(data: Any) -> None:
    """Drop every ``None`` value at any depth, in place (as the library does)."""
    if isinstance(data, list):
        for item in data:
            _without_none(item)
    elif isinstance(data, dict):
        for key, value in list(data.items()):
            if value is None:
                del data[key]
            elif isinstance(value, (dict, list)):
                _without_none(value)


def render(
    self: GovUKComponent,
    template_name: str | None = None,
    context: Any = None,
    renderer: Any = None,
    component_data: dict[str, Any] | None = None,
) -> SafeString:
    template = _template(self.build_jinja_template())  # type: ignore[no-untyped-call]
    data = self.__dict__.copy()
    if component_data:
        data.update(component_data)
    _without_none(data)
    # The environment autoescapes (select_autoescape: strings are escaped), as the library.
    return mark_safe(template.render(data=data))  # noqa: S308


def render_uncached(component: GovUKComponent, **kwargs: Any) -> str:
    """The library's own render, for the tests that prove the output is unchanged."""
    return str(_original_render(component, **kwargs))  # type: ignore[no-untyped-call]


def install() -> None:
    # ``__str__`` and ``__html__`` were bound to the original function in the class body.
    GovUKComponent.render = render  # type: ignore[method-assign]
    GovUKComponent.__str__ = render  # type: ignore[method-assign,assignment]
    GovUKComponent.__html__ = render
