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

__all__ = [
    "FULLY",
    "NOT",
    "NOTES",
    "PARTLY",
    "CatalogueEntry",
    "main",
    "parse_requirements",
    "render",
]

FULLY = "fully carried"
PARTLY = "partly carried"
NOT = "not carried"

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
    "R001.8": "Convene carries who authorises, the record sections, and circulating the "
    "authorised record to all attendees (records app; qs2014 clock, R002.8); each agency "
    "recording the outcome and actions in its own records is outside Convene.",
    "R002.3": "The record's attendance part says whether it was a meeting (in person or "
    "virtual) or by phone, and authorising asks why by phone unless the referral recorded "
    "immediate risk (records app); the convene page does not yet ask it when the discussion "
    "is arranged.",
    "R003.4": "Policy requires the referrer to attend and lists what they bring; the "
    "invitation (discussions issue) should carry the list.",
    "R004.7": "Policy carries 'every HIGH rating gets a strategy discussion or meeting', and "
    "Halton asks for a recorded reason before a CSE or CCE concern is triaged unscreened; the "
    "screening tool itself and managing risk in the level-of-need framework afterwards are "
    "outside Convene.",
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
            return PARTLY if self.requirement.id in NOTES else FULLY
        if self.rules or self.code or self.tests:
            return PARTLY
        return NOT

    @property
    def why(self) -> str:
        """Why it is not fully carried, in words; empty when it is."""
        if self.status == FULLY:
            return ""
        found = []
        if not (self.rules or self.code):
            found.append("no pack rule or code cites it")
        if not self.tests:
            found.append("no test is named with it")
        note = NOTES.get(self.requirement.id)
        if note:
            found.insert(0, note.rstrip("."))
        text = "; ".join(found) or "the search finds it carried, but a note says what is left"
        return text[0].upper() + text[1:]


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
    counts = {s: sum(r.status == s for r in table) for s in (FULLY, PARTLY, NOT)}
    lines = [
        "# Traceability",
        "",
        "Generated by `python -m convene.policy.traceability` from `shared/REQUIREMENTS.md`;",
        "do not edit by hand (a test fails when this file is out of date). For each requirement:",
        "the policy pack rules that cite it, the code that names it, the tests named with it",
        "(`test_R004_3_...`), whether it is carried, and why not where it is not.",
        "",
        "- **Fully carried**: a pack rule or code carries it and a test named with it proves it,",
        "  and nothing is known to be left.",
        "- **Partly carried**: something is missing (a rule or code, or a test), or a note says",
        "  what part of it Convene does not carry; the *Why* column says which.",
        "- **Not carried**: no rule, code or test cites it.",
        "",
        f"{len(table)} requirements: {counts[FULLY]} fully carried, "
        f"{counts[PARTLY]} partly carried, {counts[NOT]} not carried.",
    ]
    section = None
    for row in table:
        if row.requirement.section != section:
            section = row.requirement.section
            lines += [
                "",
                f"## {section}",
                "",
                "| Id | Requirement | Pack rules | Code | Tests | Status | Why not fully |",
                "|---|---|---|---|---|---|---|",
            ]
        text = row.requirement.text.replace("|", "\\|")
        why = row.why.replace("|", "\\|") or "—"
        lines.append(
            f"| {row.requirement.id} | {text} | {_cell(row.rules)} | {_cell(row.code)} "
            f"| {_cell(row.tests)} | {row.status} | {why} |"
        )
    lines += ["", "## Not carried, or carried in part, and why", ""]
    for row in table:
        if row.status != FULLY:
            lines.append(f"- **{row.requirement.id}** ({row.status}): {row.why}")
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
