"""`convene reporting rebuild-summary [--partnership SLUG]`: recount the reports' summary
tables (the month tallies of clocks, decisions, attendance, the quality standards,
attendance exceptions, agency checks and overridden recommendations, issue 13) from the
rows they count, and the queues' stored deadlines (issue 15) from the open clocks (every
partnership's: they are rows, not tallies, and recomputing one is always right).

The services keep the summary in their own transactions; run this after anything that
writes clocks or records around them: a bulk load (the bench's COPY), a restore, a migration that
changes clocks, or to check. Run it when nothing else is writing clocks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from convene.agencychecks.tally import rebuild_check_tallies
from convene.clocks.due_columns import due_columns_rebuild
from convene.clocks.tally_count import rebuild_tallies
from convene.people.models import Partnership
from convene.records.quality_tally import rebuild_quality_tallies
from convene.records.tally import rebuild_exception_tallies, rebuild_record_tallies
from convene.referrals.tally import rebuild_override_tallies

ACTIONS = ("rebuild-summary",)


def _partnership_id(wanted: str | None) -> int | None:
    """The partnership named by slug or id; ``None`` (all of them) when none is named."""
    if not wanted:
        return None
    for partnership in Partnership.objects.all():
        if wanted in (str(partnership.pk), slugify(partnership.name)):
            return partnership.pk
    raise CommandError(f"No partnership {wanted!r}")


class Command(BaseCommand):
    help = (
        "Reports: rebuild-summary recounts the summary tables from the clocks and records, "
        "and the queues' stored deadlines from the open clocks"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("--partnership", help="one partnership's slug or id (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        partnership_id = _partnership_id(options["partnership"])
        counts, bins = rebuild_tallies(partnership_id=partnership_id)
        self.stdout.write(f"Rebuilt the clock tallies: {counts} month rows, {bins} histogram rows")
        decisions, attendance = rebuild_record_tallies(partnership_id=partnership_id)
        self.stdout.write(
            f"Rebuilt the record tallies: {decisions} decision rows, {attendance} attendance rows"
        )
        quality = rebuild_quality_tallies(partnership_id=partnership_id)
        self.stdout.write(f"Rebuilt the quality standards tallies: {quality} month rows")
        exceptions = rebuild_exception_tallies(partnership_id=partnership_id)
        self.stdout.write(f"Rebuilt the attendance exceptions tallies: {exceptions} month rows")
        checks = rebuild_check_tallies(partnership_id=partnership_id)
        self.stdout.write(f"Rebuilt the agency checks tallies: {checks} month rows")
        written = due_columns_rebuild()
        self.stdout.write(
            f"Recomputed the queues' stored deadlines: {written} stale rows corrected"
        )
        overrides = rebuild_override_tallies(partnership_id=partnership_id)
        self.stdout.write(f"Rebuilt the overridden recommendations tallies: {overrides} month rows")
