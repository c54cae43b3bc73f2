"""`convene audit verify`: check the audit log's keyed hash chain end to end.

`convene audit anchor` appends the chain's head to the anchor file now (the
worker does it every CONVENE_AUDIT_ANCHOR_SECONDS).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from convene.audit.anchors import AnchorRefused, anchor_file, anchor_latest, anchor_write
from convene.audit.chain import Anchor
from convene.audit.selectors import audit_chain_verify, audit_keyed_from


class Command(BaseCommand):
    help = "Work with the audit log. `audit verify` checks its hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        verify = commands.add_parser(
            "verify",
            help="walk the chain; report the first altered, removed, inserted or moved entry",
        )
        verify.add_argument(
            "--anchor",
            metavar="SEQUENCE:HASH",
            help="a head printed by an earlier verify and kept outside the database; "
            "checked instead of the anchor file's latest line",
        )
        verify.add_argument(
            "--anchor-file",
            metavar="PATH",
            help="check the latest line of this anchor file (default: CONVENE_AUDIT_ANCHOR_FILE)",
        )
        commands.add_parser("anchor", help="append the chain's head to the anchor file now")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "verify":
            self._verify(options.get("anchor"), options.get("anchor_file"))
        elif subcommand == "anchor":
            self._anchor()

    def _from_file(self, path: Path | None) -> tuple[Anchor | None, str]:
        if path is None:
            return None, "No anchor file is configured: entries cut from the end go unnoticed."
        try:
            latest = anchor_latest(path)
        except ValueError as error:
            raise CommandError(f"The anchor file {path} is damaged: {error}") from error
        if latest is None:
            return None, f"No anchor in {path} yet: entries cut from the end go unnoticed."
        return latest.anchor, (
            f"Checked against the anchor #{latest.anchor.sequence} written "
            f"{latest.written or 'earlier'} in {path}"
        )

    def _verify(self, anchor_text: str | None, file_name: str | None) -> None:
        if anchor_text:
            try:
                anchor: Anchor | None = Anchor.parse(anchor_text)
            except ValueError as error:
                raise CommandError(str(error)) from error
            note = f"Checked against the anchor #{anchor.sequence if anchor else ''} given"
        else:
            anchor, note = self._from_file(Path(file_name) if file_name else anchor_file())
        result = audit_chain_verify(anchor=anchor)
        if result.problem is not None:
            raise CommandError(
                f"Audit chain broken at entry #{result.problem.sequence} "
                f"({result.problem.kind}): {result.problem.message}. "
                f"{result.entries} entries read."
            )
        self.stdout.write(f"Audit chain intact: {result.entries} entries")
        keyed_from = audit_keyed_from()
        if keyed_from > 1:
            self.stdout.write(f"Keyed from #{keyed_from}; earlier entries are plain SHA-256")
        self.stdout.write(note)
        if result.head_sequence is not None:
            self.stdout.write(
                f"Head: {result.head_sequence}:{result.head_hash} "
                "(the worker appends it to the anchor file; --anchor checks a copy kept elsewhere)"
            )

    def _anchor(self) -> None:
        path = anchor_file()
        if path is None:
            raise CommandError("No anchor file is configured (CONVENE_AUDIT_ANCHOR_FILE)")
        try:
            anchor = anchor_write(now=timezone.now(), path=path)
        except AnchorRefused as error:
            raise CommandError(f"Anchor not written: {error}") from error
        if anchor is None:
            self.stdout.write(f"Nothing new since the last anchor in {path}")
        else:
            self.stdout.write(f"Appended {anchor.line()} to {path}")
