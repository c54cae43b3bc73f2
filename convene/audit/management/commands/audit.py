"""`convene audit verify`: check the audit log's hash chain end to end."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from convene.audit.chain import Anchor
from convene.audit.selectors import audit_chain_verify


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
            "proves no entries were cut from the end since",
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "verify":
            self._verify(options.get("anchor"))

    def _verify(self, anchor_text: str | None) -> None:
        try:
            anchor = Anchor.parse(anchor_text) if anchor_text else None
        except ValueError as error:
            raise CommandError(str(error)) from error
        result = audit_chain_verify(anchor=anchor)
        if result.problem is not None:
            raise CommandError(
                f"Audit chain broken at entry #{result.problem.sequence} "
                f"({result.problem.kind}): {result.problem.message}. "
                f"{result.entries} entries read."
            )
        self.stdout.write(f"Audit chain intact: {result.entries} entries")
        if result.head_sequence is not None:
            self.stdout.write(
                f"Head: {result.head_sequence}:{result.head_hash} "
                "(keep it outside the database and pass it back with --anchor)"
            )
