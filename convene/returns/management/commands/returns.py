"""`convene returns cin-census --partnership SLUG --year YYYY --output FILE.xml` and
`convene returns annex-a --partnership SLUG --from DATE --to DATE --output FILE.xlsx`."""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record
from convene.returns.annex_a import write_annex_a
from convene.returns.cin import CensusYear, partnership_by_slug, write_census


class Command(BaseCommand):
    help = "Statutory returns: the Children in Need census XML and Ofsted Annex A, List 5"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="which", required=True)
        cin = sub.add_parser("cin-census", help="the DfE Children in Need census XML")
        cin.add_argument("--partnership", required=True, help="the partnership's slug or id")
        cin.add_argument(
            "--year", required=True, type=int, help="the census year, by the 31 March it ends"
        )
        cin.add_argument("--output", required=True, type=Path)
        annex = sub.add_parser("annex-a", help="Ofsted Annex A, List 5 (XLSX)")
        annex.add_argument("--partnership", required=True, help="the partnership's slug or id")
        annex.add_argument("--from", dest="start", required=True, type=date.fromisoformat)
        annex.add_argument("--to", dest="end", required=True, type=date.fromisoformat)
        annex.add_argument("--output", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = partnership_by_slug(options["partnership"])
        if partnership is None:
            raise CommandError(f"No partnership {options['partnership']!r}")
        if options["which"] == "annex-a":
            if options["end"] < options["start"]:
                raise CommandError("--to must not be before --from")
            start, end = options["start"], options["end"]
            with options["output"].open("wb") as out:
                rows = write_annex_a(out, partnership=partnership, start=start, end=end)
            _exported(
                f"Wrote Ofsted Annex A, List 5 (XLSX) for {partnership}, {start:%-d %B %Y} to "
                f"{end:%-d %B %Y}: {rows} rows, to {options['output']}"
            )
            self.stdout.write(f"Wrote {options['output']} ({rows} rows)")
            return
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("Give the year as four digits, e.g. 2027 for 2026 to 2027")
        # Written as it is read: a million discussions' census never sits in memory.
        with options["output"].open("wb") as out:
            children = write_census(
                out, partnership=partnership, year=CensusYear(year), now=timezone.now()
            )
        _exported(
            f"Wrote the Children in need census {year - 1} to {year} (XML) for {partnership}: "
            f"{children} children, to {options['output']}"
        )
        self.stdout.write(f"Wrote {options['output']} ({children} children)")


def _exported(summary: str) -> None:
    """Like a download from the Returns page, the file is one export in the audit log: by
    the operating-system account that ran the command (there is no signed-in person)."""
    audit_record(
        actor=None,
        action=AuditAction.EXPORT,
        summary=f"{summary} (convene returns)",
        context=AuditContext.system(),
        actor_username=getpass.getuser(),
    )
