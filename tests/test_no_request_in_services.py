"""Services take an ``AuditContext``, never an ``HttpRequest`` (issue 17).

The rule, checked by walking the syntax tree of every module in ``convene/``
(migrations aside):

* No function (``def`` or ``async def``, methods included) has a parameter named
  ``request`` or annotated with ``HttpRequest`` (``HttpRequest | None`` and
  ``"HttpRequest"`` included), and no call passes a keyword argument
  ``request=``, unless the module is an **HTTP edge**.
* An HTTP edge is a module that Django or django-ninja hands a request to, or
  that reads one for such a module:

  - a view: a module in a ``views/`` package, or named ``views.py`` or
    ``*_views.py``;
  - the REST API: a module named ``api.py`` or ``api_*.py``, or any module of the
    ``convene/api/`` app (its endpoints, token check and URLs);
  - ``middleware.py`` / ``*_middleware.py``, ``admin.py``, ``urls.py``,
    ``context_processors.py`` and anything in a ``templatetags/`` package;
  - the modules in ``EDGE_MODULES`` below, each with the reason it reads a request.

Everything else (services, selectors, helpers, signal receivers, tasks, commands)
is called the same way from a page, the API, the CLI and the worker: the edge
builds ``AuditContext.from_request(request)`` once and passes ``context=``.
Lambdas are not checked (``followup/access.py`` names a ``ReviewRequest``
``request`` in one).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "convene"

# Modules outside the naming rule that still handle HTTP. Adding one needs a reason.
EDGE_MODULES: dict[str, str] = {
    "convene/allocation/child_pages.py": "the 'who has looked' page (a view)",
    "convene/audit/context.py": "AuditContext.from_request: the one place a service's context "
    "is read from a request",
    "convene/audit/signals.py": "receivers of django.contrib.auth's sign-in signals, which "
    "hand over the request",
    "convene/accounts/oidc.py": "a Django authentication backend: authenticate(request, ...)",
    "convene/accounts/signin.py": "two-step sign-in lives in the session and ends in "
    "django.contrib.auth.login(request, ...)",
    "convene/core/error_pages.py": "Django's error views (handler400, CSRF_FAILURE_VIEW, ...)",
    "convene/core/health.py": "the health-check views",
    "convene/core/jsonlog.py": "the request-id middleware",
    "convene/core/net.py": "client_ip: the address, read the same way by the audit and lock-out",
    "convene/core/pages.py": "page helpers: a form's posted data and a service's refusal on it",
    "convene/core/once.py": "once-only POSTs: the form token and Idempotency-Key of a request",
    "convene/navigation.py": "the navigation context processor",
    "convene/people/looks.py": "a page's look at a child, audited with the page's context",
    "convene/people/signed_in.py": "professional_of: the signed-in professional of a page",
    "convene/records/incomplete.py": "a note for the next page, kept in the session",
    "convene/referrals/intake.py": "the intake pages (views)",
    "convene/referrals/intake_draft.py": "the intake draft, kept in the session",
}

_EDGE_NAMES = {"views", "api", "middleware", "admin", "urls", "context_processors"}
_EDGE_PACKAGES = {"views", "templatetags"}


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def is_edge(path: Path) -> bool:
    """Whether the module at ``path`` (inside ``convene/``) may take a request."""
    rel = _rel(path)
    if rel in EDGE_MODULES:
        return True
    parts = path.relative_to(PACKAGE).parts
    stem = path.stem
    return (
        stem in _EDGE_NAMES
        or stem.endswith(("_views", "_middleware"))
        or stem.startswith("api_")
        or bool(_EDGE_PACKAGES & set(parts[:-1]))
        or parts[0] == "api"
    )


def _names_http_request(annotation: ast.expr | None) -> bool:
    return annotation is not None and "HttpRequest" in ast.unparse(annotation)


def request_taking(source: str) -> list[str]:
    """Each function parameter and call keyword in ``source`` that carries a request."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            for arg in [
                *arguments.posonlyargs,
                *arguments.args,
                *arguments.kwonlyargs,
                *filter(None, [arguments.vararg, arguments.kwarg]),
            ]:
                if arg.arg == "request" or _names_http_request(arg.annotation):
                    found.append((node.lineno, f"{node.name}({arg.arg})"))
        elif isinstance(node, ast.Call):
            found.extend(
                (node.lineno, f"{ast.unparse(node.func)}(request=...)")
                for keyword in node.keywords
                if keyword.arg == "request"
            )
    return [f"{line}: {what}" for line, what in sorted(found)]


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_no_service_takes_a_request() -> None:
    offenders = [
        f"{_rel(path)}:{where}"
        for path in _modules()
        if not is_edge(path)
        for where in request_taking(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, (
        "Pass context: AuditContext (AuditContext.from_request(request) at the edge) "
        "instead of a request:\n" + "\n".join(offenders)
    )


def test_every_listed_edge_module_exists_and_reads_a_request() -> None:
    # A listed module that no longer takes a request must leave the list (it only shrinks).
    stale = [
        rel
        for rel in EDGE_MODULES
        if not (ROOT / rel).exists() or not request_taking((ROOT / rel).read_text())
    ]
    assert not stale, f"remove from EDGE_MODULES: {stale}"


def test_the_walk_finds_each_way_of_taking_a_request() -> None:
    source = """
def by_name(*, request=None): ...
def by_annotation(*, incoming: HttpRequest | None = None): ...
def by_string(incoming: "HttpRequest"): ...
class Service:
    async def method(self, request): ...
def passes():
    service(request=None)
def clean(*, context=None, review_request=None):
    service(context=context)
    return lambda request: request.discussion
"""
    assert request_taking(source) == [
        "2: by_name(request)",
        "3: by_annotation(incoming)",
        "4: by_string(incoming)",
        "6: method(request)",
        "8: service(request=...)",
    ]


def test_the_edge_rule_names_views_api_and_plumbing_not_services() -> None:
    edges = [
        "convene/records/views/write.py",
        "convene/records/told_views.py",
        "convene/allocation/child_pages.py",
        "convene/discussions/api.py",
        "convene/records/api_writes.py",
        "convene/api/auth.py",
        "convene/core/templatetags/govuk.py",
        "convene/accounts/middleware.py",
        "convene/core/net.py",
    ]
    services = [
        "convene/records/services/draft.py",
        "convene/discussions/services.py",
        "convene/followup/actions/services.py",
        "convene/referrals/auditing.py",
        "convene/clocks/escalations/notices.py",
        "convene/allocation/apps.py",
        "convene/discussions/invitation_pages.py",
    ]
    assert all(is_edge(ROOT / rel) for rel in edges)
    assert not any(is_edge(ROOT / rel) for rel in services)
