"""`convene restore FILE`: load a `convene backup` into a new database, then check the audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from convene.audit.selectors import audit_chain_verify
from convene.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `convene backup` into the configured database, which "
        "must be new and empty (or --replace), then check the audit chain. Stop the app "
        "and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a file written by `convene backup`")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="overwrite a database that already has tables (its contents are lost)",
        )

    def handle(self, *args: Any, file: Path, replace: bool, **options: Any) -> None:
        try:
            kind = backup_restore(path=file, replace=replace)
        except BackupError as error:
            raise CommandError(f"Not restored: {error}") from error
        self.stdout.write(f"Restored the {kind} backup {file}")
        result = audit_chain_verify()
        if result.problem is not None:
            raise CommandError(
                f"Restored, but the audit chain is broken at entry #{result.problem.sequence} "
                f"({result.problem.kind}): {result.problem.message}"
            )
        self.stdout.write(
            f"Audit chain intact: {result.entries} entries. Run `convene migrate` if this "
            "version of Convene is newer than the backup, then `convene audit verify`."
        )
