"""Every route, for every persona: generated from the URL configuration.

A named route without a rule in some ``tests/<app>/route_rules.py`` fails here:
decide who may use it (docs/access.md), then add the rule. The admin has its
own permission system (staff only) and the API its own matrix
(tests/api/test_api_children.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix import ANONYMOUS, PERSONAS, Case

TESTS = Path(__file__).resolve().parents[1]
EXCLUDED_NAMESPACES = {"admin", "api"}


def _rules() -> dict[str, list[Case]]:
    found: dict[str, list[Case]] = {}
    for module_path in sorted(TESTS.glob("*/route_rules.py")):
        module = importlib.import_module(f"tests.{module_path.parent.name}.route_rules")
        for name, cases in module.ROUTES.items():
            if name in found:
                raise AssertionError(f"route {name!r} has rules in two route_rules.py files")
            found[name] = cases
    return found


RULES = _rules()


def all_routes(
    resolver: URLResolver | None = None, prefix: str = "", path: str = ""
) -> Iterator[tuple[str | None, str]]:
    """(name or None, path pattern) of every route outside the admin and the API."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = path + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in EXCLUDED_NAMESPACES:
                continue
            yield from all_routes(pattern, f"{prefix}{namespace}:" if namespace else prefix, route)
        elif isinstance(pattern, URLPattern):
            yield (prefix + pattern.name if pattern.name else None), route


def named_routes() -> Iterator[str]:
    return (name for name, _ in all_routes() if name)


def test_every_route_is_named():
    # The admin's and the API's own spaces have their own rules (see module docstring).
    unnamed = [
        route
        for name, route in all_routes()
        if name is None and not route.lstrip("^").startswith(("admin/", "api/"))
    ]
    assert unnamed == [], f"name these routes so the matrix can check them: {unnamed}"


def test_every_route_has_a_rule():
    routes = set(named_routes())
    missing = sorted(routes - set(RULES))
    assert not missing, (
        f"routes with no access rule: {', '.join(missing)}. Decide who may use each "
        "(docs/access.md) and add it to ROUTES in tests/<app>/route_rules.py"
    )
    stale = sorted(set(RULES) - routes)
    assert not stale, f"rules for routes that no longer exist: {', '.join(stale)}"


def test_every_rule_covers_every_persona():
    for name, cases in RULES.items():
        for case in cases:
            assert set(case.expect) == {*PERSONAS, ANONYMOUS}, f"{name} [{case.label}]"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "case"),
    [(name, case) for name, cases in sorted(RULES.items()) for case in cases],
    ids=[f"{name}[{case.label}]" for name, cases in sorted(RULES.items()) for case in cases],
)
def test_route_for_every_persona(client, world, name, case):
    url = reverse(name, kwargs=case.kwargs(world))
    data = case.data(world)
    wrong = []
    for persona in (*PERSONAS, ANONYMOUS):
        # One client (its handler is slow to build), a fresh session each time.
        client.cookies.clear()
        if persona != ANONYMOUS:
            client.force_login(world.people[persona])
        response = getattr(client, case.method)(url, data)
        location = response.get("Location")
        expected = case.expect[persona]
        if not expected.matches(response.status_code, location):
            got = f"{response.status_code} → {location}" if location else str(response.status_code)
            wrong.append(f"  {persona:<9} expected {expected}, got {got}")
    assert not wrong, f"{case.method.upper()} {url}:\n" + "\n".join(wrong)
