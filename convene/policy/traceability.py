"""Write ``docs/traceability.md``: each requirement id with the rules, code and tests carrying it.

Run ``python -m convene.policy.traceability`` from the repository root after
changing a pack, or code or a test that cites a requirement; ``--check``
exits non-zero when the committed file is out of date. The requirements are
read from ``../shared/REQUIREMENTS.md`` (beside the clone). Code is found by
searching ``convene/`` for the id (``R004.3``), tests by their names
(``test_R004_3_...``); :data:`NOTES` says, by hand, what the search cannot.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from convene.policy.loader import PACKS_DIR, available_packs, load_pack

__all__ = ["NOTES", "CatalogueEntry", "main", "parse_requirements", "render"]

ROOT = PACKS_DIR.parents[2]
REQUIREMENTS = ROOT.parent / "shared" / "REQUIREMENTS.md"
OUTPUT = ROOT / "docs" / "traceability.md"

# What a search for the id cannot tell: where a requirement is carried only
# in part, or belongs to another part of the system.
NOTES: dict[str, str] = {
    "R001.1": "Threshold and pathway are carried; 'living or found in the area' is which "
    "partnership receives the referral (referrals issue).",
    "R001.6": "Policy requires the criminal-investigation section for S47 decisions; the "
    "police's own evidential work is outside Convene.",
    "R001.7": "The record's attendance part asks the chair to confirm that each attendee brought "
    "their agency's information and could decide for it (records app); seniority itself is "
    "not data Convene holds.",
    "R001.8": "Policy carries who authorises and the record sections; the records app "
    "authorises, freezes and circulates the record to all attendees (qs2014 clock, R002.8).",
    "R001.9": "Not carried by policy: attendees confirm or ask for a correction in the records "
    "app; the chair resolves requests; all confirmed gives the 'confirmed' state.",
    "R002.3": "The record's attendance part says whether it was a meeting (in person or "
    "virtual) or by phone, and authorising asks why by phone unless the referral recorded "
    "immediate risk (records app); the convene page does not yet ask it when the discussion "
    "is arranged.",
    "R003.4": "Policy requires the referrer to attend and lists what they bring; the "
    "invitation (discussions issue) should carry the list.",
    "R004.7": "Policy carries 'every HIGH rating gets a strategy discussion or meeting'; "
    "managing risk in the level-of-need framework afterwards is outside Convene.",
}


@dataclass(frozen=True)
class CatalogueEntry:
    """One numbered requirement of REQUIREMENTS.md."""

    id: str
    text: str
    section: str


@dataclass(frozen=True)
class Row:
    requirement: CatalogueEntry
    rules: tuple[str, ...]
    code: tuple[str, ...]
    tests: tuple[str, ...]

    @property
    def status(self) -> str:
        if (self.rules or self.code) and self.tests:
            return "partly carried" if self.requirement.id in NOTES else "carried"
        if self.rules or self.code or self.tests:
            return "partly carried"
        return "not yet carried"


def parse_requirements(text: str) -> list[CatalogueEntry]:
    found = []
    section = ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif match := re.match(r"^- (R\d{3}\.\d+) (.*)$", line):
            found.append(CatalogueEntry(match[1], match[2].strip(), section))
    return found


def _pattern(requirement_id: str, separator: str) -> re.Pattern[str]:
    # R001.1 must not match R001.10.
    return re.compile(re.escape(requirement_id.replace(".", separator)) + r"(?!\d)")


def _rules_by_requirement() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for pack_id in available_packs():
        for rule in load_pack(pack_id).rules:
            for requirement in rule.source.requirements:
                found.setdefault(requirement, set()).add(rule.id)
    return found


def _code_files(root: Path) -> dict[str, str]:
    files = {}
    for path in sorted((root / "convene").rglob("*")):
        if path.suffix not in {".py", ".html"} or "migrations" in path.parts:
            continue
        if path == Path(__file__).resolve():
            continue  # NOTES cites every id it explains
        files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return files


def _test_names(root: Path) -> list[str]:
    names = []
    for path in sorted((root / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.append(f"{path.name}::{node.name}")
    return names


def rows(requirements: Sequence[CatalogueEntry], root: Path = ROOT) -> list[Row]:
    rules = _rules_by_requirement()
    code = _code_files(root)
    tests = _test_names(root)
    result = []
    for requirement in requirements:
        dotted = _pattern(requirement.id, ".")
        underscored = _pattern(requirement.id, "_")
        result.append(
            Row(
                requirement=requirement,
                rules=tuple(sorted(rules.get(requirement.id, ()))),
                code=tuple(path for path, text in code.items() if dotted.search(text)),
                tests=tuple(sorted({t for t in tests if underscored.search(t.split("::")[1])})),
            )
        )
    return result


def _cell(items: Sequence[str]) -> str:
    return "<br>".join(f"`{item}`" for item in items) or "—"


def render(requirements: Sequence[CatalogueEntry], root: Path = ROOT) -> str:
    table = rows(requirements, root)
    counts = {s: sum(r.status == s for r in table) for s in ("carried", "partly carried")}
    missing = [r for r in table if r.status != "carried"]
    lines = [
        "# Traceability",
        "",
        "Generated by `python -m convene.policy.traceability` from `shared/REQUIREMENTS.md`;",
        "do not edit by hand (a test fails when this file is out of date). For each requirement:",
        "the policy pack rules that cite it, the code that names it, and the tests named with it",
        "(`test_R004_3_...`). *Carried* means a rule or code and a test; *partly carried* means",
        "one is missing or a note below says what is left.",
        "",
        f"{len(table)} requirements: {counts['carried']} carried, "
        f"{counts['partly carried']} partly carried, "
        f"{len(table) - sum(counts.values())} not yet carried.",
    ]
    section = None
    for row in table:
        if row.requirement.section != section:
            section = row.requirement.section
            lines += [
                "",
                f"## {section}",
                "",
                "| Id | Requirement | Pack rules | Code | Tests | Status |",
                "|---|---|---|---|---|---|",
            ]
        text = row.requirement.text.replace("|", "\\|")
        lines.append(
            f"| {row.requirement.id} | {text} | {_cell(row.rules)} | {_cell(row.code)} "
            f"| {_cell(row.tests)} | {row.status} |"
        )
    lines += ["", "## Not yet carried, or carried in part", ""]
    for row in missing:
        note = NOTES.get(row.requirement.id, "No rule, code or test cites it yet.")
        lines.append(f"- **{row.requirement.id}** ({row.status}): {note}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requirements", type=Path, default=REQUIREMENTS)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="fail if the output is out of date")
    args = parser.parse_args(argv)
    text = render(parse_requirements(args.requirements.read_text(encoding="utf-8")))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} is out of date: run python -m convene.policy.traceability")
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
