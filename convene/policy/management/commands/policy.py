"""``convene policy check FILE...`` and ``convene policy explain PACK --facts FILE.json``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from convene.policy.errors import PolicyInvalid
from convene.policy.explain_text import explanation_to_dict, render_text
from convene.policy.explanation import explain
from convene.policy.facts import FactsInvalid, parse_facts_document
from convene.policy.loader import (
    PACKS_DIR,
    UnknownPolicy,
    available_packs,
    available_standards,
    check_file,
    load_pack,
    load_pack_file,
)
from convene.policy.pack import PolicyPack


def _pack(name: str) -> PolicyPack:
    # A path (anything ending .toml) is loaded as given; a bare name is a shipped pack.
    if name.endswith(".toml"):
        return load_pack_file(Path(name))
    return load_pack(name)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at {text!r} is not an ISO 8601 date-time") from None
    if moment.utcoffset() is None:
        raise CommandError(f"--at {text!r} needs a UTC offset, e.g. 2026-03-07T10:15:00+00:00")
    return moment


class Command(BaseCommand):
    help = "Check policy pack files, or explain what a pack asks of a case."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser(
            "check", help="validate pack or standard files; every problem is listed"
        )
        check.add_argument(
            "files", nargs="*", help="TOML files (default: every shipped pack and standard)"
        )
        explain_ = actions.add_parser(
            "explain", help="pathway, rules, deadlines, attendance and record for a case"
        )
        explain_.add_argument("pack", help="a shipped pack id (e.g. halton) or a .toml file")
        explain_.add_argument("--facts", required=True, help="facts JSON file (docs/policy.md)")
        explain_.add_argument("--json", action="store_true", help="print JSON instead of text")
        explain_.add_argument(
            "--at", help="now, ISO 8601 with offset: marks the deadlines already passed"
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "check":
            self._check(options["files"])
        else:
            self._explain(options["pack"], options["facts"], options["json"], options["at"])

    def _check(self, files: list[str]) -> None:
        paths = [Path(f) for f in files] or [
            *(PACKS_DIR / f"{p}.toml" for p in available_packs()),
            *(PACKS_DIR / "standards" / f"{s}.toml" for s in available_standards()),
        ]
        failed = 0
        problems = 0
        for path in paths:
            found = check_file(path)
            if found:
                failed += 1
                problems += len(found)
                for problem in found:
                    self.stderr.write(str(problem))
            else:
                self.stdout.write(f"ok: {path}")
        if failed:
            raise CommandError(f"{problems} problem(s) in {failed} of {len(paths)} file(s)")

    def _explain(self, pack_name: str, facts_file: str, as_json: bool, at: str | None) -> None:
        try:
            pack = _pack(pack_name)
            text = Path(facts_file).read_text(encoding="utf-8")
            document = parse_facts_document(text)
        except (PolicyInvalid, FactsInvalid, UnknownPolicy) as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"cannot read {facts_file}: {error}") from None
        now = _moment(at) if at else None
        explanation = explain(pack, document.facts, events=document.events, now=now)
        if as_json:
            self.stdout.write(json.dumps(explanation_to_dict(explanation), indent=2))
        else:
            self.stdout.write(render_text(explanation), ending="")
