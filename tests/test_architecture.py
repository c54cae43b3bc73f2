"""Gates that keep the code a place a newcomer can work in (issue 17).

Three gates, each with a list of today's exceptions that may only shrink:

* **Module size**: no module in ``convene/`` (migrations aside) over 500 lines.
  ``OVERSIZED`` records the modules that were already larger, at their size when
  the gate was added: a listed module may not grow, and a module that has shrunk
  below its number must have its number lowered (so the list cannot hide growth).
* **Import layers**: the allowed direction between apps is ``LAYERS``, written
  once, lowest first. A module may import its own app and any app below it, never
  one above. ``KNOWN_VIOLATIONS`` lists today's upward imports (importing file,
  imported app); a new one fails, and an entry that no longer happens must be
  removed. The app graph without those must have no cycle.
* **Complexity**: ruff's C90 at 12 (pyproject.toml), with per-file ignores for
  today's offenders; see ``test_complexity_exemptions_only_shrink``.

docs/architecture.md explains the layers in words.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "convene"
MAX_LINES = 500

# path (relative to the repository) -> its line count when it was listed. Only shrinks.
OVERSIZED: dict[str, int] = {}

# The dependency direction between apps, lowest first: an app may import the apps
# before it, never those after it.
LAYERS: list[str] = [
    "vocab",  # convene/people/vocab.py: the shared words (roles, agency kinds), plain enums
    "workdays",
    "policy",
    "core",
    "audit",
    "people",
    "accounts",
    "notify",
    "reminders",
    "clocks",
    "referrals",
    "discussions",
    "records",
    "followup",
    "agencychecks",  # each agency's information before the meeting (reads discussions)
    "allocation",  # who holds each case, and "My work" built from it
    "api",
    "reporting",  # reads every app through its selectors; nothing imports it
    "returns",
    "pages",  # pages that gather several apps (the child page, the demo data)
]
# Modules that sit in a different layer from the rest of their app.
MODULE_LAYERS: dict[str, str] = {
    "convene.people.vocab": "vocab",
    # The child page tells the child's whole story, and the demo builds every app's data.
    "convene.people.views": "pages",
    "convene.people.urls": "pages",
    "convene.people.management.commands.demo": "pages",
    # The Professional admin page moves a person's actions with them when their agency
    # changes (followup.actions.owners): wiring over the apps, as the pages are.
    "convene.people.admin": "pages",
}
# Modules at the top of the project that wire every app together (settings, URLs, CLI).
COMPOSITION_ROOT = {
    "cli",
    "gunicorn_conf",
    "navigation",  # the service navigation links every app's pages
    "settings",
    "test_settings",
    "urls",
    "wsgi",
    "__init__",
}

# (importing file, imported app) pairs that go upward today. Only shrinks.
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()

# Modules exempt from complexity 12 (pyproject.toml per-file C901 ignores): none left; keep it so.
COMPLEX_TODAY: set[str] = set()


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_over_500_lines() -> None:
    too_big = {}
    for path in _modules():
        lines = _line_count(path)
        allowed = OVERSIZED.get(_rel(path), MAX_LINES)
        if lines > allowed:
            too_big[_rel(path)] = (lines, allowed)
    assert not too_big, (
        f"Modules over their size limit (lines, allowed): {too_big}. Split the module into a "
        "package by topic (see docs/architecture.md) rather than raising the number."
    )


def test_oversized_list_only_shrinks() -> None:
    stale = {}
    for rel, allowed in OVERSIZED.items():
        path = ROOT / rel
        lines = _line_count(path) if path.exists() else 0
        if lines < allowed:
            stale[rel] = lines
    assert not stale, (
        f"These modules shrank: lower (or remove, at {MAX_LINES} or fewer) their numbers in "
        f"OVERSIZED so they cannot grow back: {stale}"
    )


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer_of(module: str) -> str | None:
    """The layer of a dotted module name under ``convene``, or None for the composition root."""
    for prefix, layer in MODULE_LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return layer
    parts = module.split(".")
    if len(parts) < 2 or (parts[1] in COMPOSITION_ROOT and len(parts) == 2):
        return None
    return parts[1]


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imports(path: Path) -> set[str]:
    """Every ``convene.*`` module the file imports at run time, function bodies included.

    Imports under ``if TYPE_CHECKING:`` are left out: they never run, so they make no
    cycle, and they let a lower app name a higher app's model in a type hint. Code that
    must *use* a higher app's object types against a Protocol (``core.access.Actor``).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = _module_name(path).split(".")
                if path.name != "__init__.py":
                    base.pop()
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            # ``from convene.people import vocab`` imports the module convene.people.vocab.
            submodules = {
                f"{module}.{a.name}" for a in node.names if _is_module(f"{module}.{a.name}")
            }
            found.update(submodules or {module})
    return {name for name in found if name.startswith("convene.")}


def _import_edges() -> set[tuple[str, str, str]]:
    """(importing file, its layer, imported layer) for every import across layers."""
    edges = set()
    for path in _modules():
        own = _layer_of(_module_name(path))
        if own is None:
            continue
        for module in _imports(path):
            target = _layer_of(module)
            if target is not None and target != own:
                edges.add((_rel(path), own, target))
    return edges


def _upward(edges: set[tuple[str, str, str]]) -> set[tuple[str, str]]:
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    unknown = {layer for _, a, b in edges for layer in (a, b) if layer not in rank}
    assert not unknown, f"Apps missing from LAYERS (add each once, in its place): {unknown}"
    return {(path, target) for path, own, target in edges if rank[target] > rank[own]}


def test_imports_follow_the_layers() -> None:
    new = _upward(_import_edges()) - KNOWN_VIOLATIONS
    assert not new, (
        f"Imports against the layer order {LAYERS} (file, imported app): {sorted(new)}. "
        "Move the code to the lower app, pass what it needs in, or register a hook from "
        "the higher app's AppConfig.ready()."
    )


def test_known_violations_only_shrink() -> None:
    gone = KNOWN_VIOLATIONS - _upward(_import_edges())
    assert not gone, f"These upward imports are gone: remove them from KNOWN_VIOLATIONS: {gone}"


def test_no_import_cycle_between_apps() -> None:
    graph: dict[str, set[str]] = {}
    for path, own, target in _import_edges():
        if (path, target) not in KNOWN_VIOLATIONS:
            graph.setdefault(own, set()).add(target)
    seen: set[str] = set()
    stack: list[str] = []

    def visit(node: str) -> None:
        assert node not in stack, f"Import cycle: {' -> '.join([*stack, node])}"
        if node in seen:
            return
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            visit(target)
        stack.pop()
        seen.add(node)

    for node in sorted(graph):
        visit(node)


def test_complexity_gate_is_on_and_exemptions_only_shrink() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lint = config["tool"]["ruff"]["lint"]
    assert "C90" in lint["select"]
    assert lint["mccabe"]["max-complexity"] == 12
    ignores = lint["per-file-ignores"].items()
    exempt = {path for path, rules in ignores if "C901" in rules and path.startswith("convene/")}
    assert exempt <= COMPLEX_TODAY, f"New complexity exemptions: {exempt - COMPLEX_TODAY}"
    assert exempt == COMPLEX_TODAY, (
        f"These modules no longer need an exemption: remove them from COMPLEX_TODAY: "
        f"{COMPLEX_TODAY - exempt}"
    )


def test_decision_records_have_one_numbering_and_an_index() -> None:
    folder = ROOT / "docs" / "decisions"
    records = sorted(p.name for p in folder.glob("*.md") if p.name != "README.md")
    unnumbered = [name for name in records if not re.fullmatch(r"\d{4}-[a-z0-9-]+\.md", name)]
    assert not unnumbered, f"Give these the next free numbers (NNNN-topic.md): {unnumbered}"
    numbers = [int(name[:4]) for name in records]
    assert numbers == list(range(1, len(records) + 1)), f"Numbers repeat or skip: {numbers}"
    index = (folder / "README.md").read_text(encoding="utf-8")
    missing = [name for name in records if f"]({name})" not in index]
    assert not missing, f"Add these to docs/decisions/README.md: {missing}"


def test_tests_keep_what_they_captured() -> None:
    """Query counts are read from ``tests.queries``' capture, which keeps its list when the
    block ends; Django's is emptied by the next request (``tests/queries.py`` says how)."""
    django_s = "from django.test.utils import CaptureQueriesContext"
    tests = ROOT / "tests"
    using = [
        str(path.relative_to(ROOT))
        for path in tests.rglob("*.py")
        if path.name not in ("queries.py", Path(__file__).name) and django_s in path.read_text()
    ]
    assert not using, f"Import CaptureQueriesContext from tests.queries instead: {using}"
