"""`convene backup FILE`: a consistent copy of the database (SQLite online backup, or pg_dump)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from convene.audit.selectors import audit_head
from convene.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database to FILE while Convene runs: SQLite's online backup API, "
        "or pg_dump's custom format for PostgreSQL. Restore with `convene restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="where to write the backup")
        parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")

    def handle(self, *args: Any, file: Path, overwrite: bool, **options: Any) -> None:
        head = audit_head()
        try:
            kind = backup_create(path=file, overwrite=overwrite)
        except BackupError as error:
            raise CommandError(f"Backup not made: {error}") from error
        self.stdout.write(f"Backed up the {kind} database to {file}")
        if head is not None:
            self.stdout.write(
                f"Audit head when the backup began: {head.sequence}:{head.hash} "
                "(after a restore, `convene audit verify --anchor` it)"
            )
