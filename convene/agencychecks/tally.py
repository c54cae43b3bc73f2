"""The agency checks report's month tallies (issue 13; the model
``agencychecks.models.AgencyCheckTally``), kept in the writer's transaction as the other
summaries are, and counted by the report's own rule (``selectors.expected_checks``).

A discussion counts from the moment it is held (its record written: the month is the
record's ``held_at``); by then its invitations and start are fixed (only a requested or
scheduled discussion takes new invitees or a new time). What can still change a held
discussion's figures, and moves the counts:

- the record written (``on_record_written``: a model signal from ``discussion_hold``);
- a check sent before the start after the record was written (``agency_check_submit``);
- a professional moved to another agency, or an agency's kind changed (model signals, so
  the admin's edits count too): the discussions they were invited to, counted before and
  after, the difference added.

``rebuild_check_tallies`` recounts everything (``convene reporting rebuild-summary``).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Count, DateField, Q, QuerySet
from django.db.models.functions import TruncMonth

from convene.agencychecks.models import AgencyCheckTally
from convene.agencychecks.selectors import expected_checks
from convene.clocks.tally import add_to, replace_rows
from convene.discussions.models import Discussion, Invitation
from convene.workdays.timescales import LONDON

EVERY_AGENCY = 0  # the ``agency`` of the line for every agency invited
Key = tuple[int, date, int]  # partnership, month held, agency (0: every agency)
Counts = dict[Key, dict[str, int]]


def _held_month() -> TruncMonth:
    return TruncMonth("discussion__record__held_at", tzinfo=LONDON, output_field=DateField())


def count_checks(discussions: QuerySet[Discussion]) -> Counts:
    """The held ones of ``discussions``: per agency, those expecting its check and those it
    came by the start for; per month, those expecting any and those where none was late.
    Two grouped queries."""
    expected = (
        expected_checks(discussions=discussions.filter(record__isnull=False))
        .order_by()
        .annotate(m=_held_month())
    )
    counts: Counts = {}
    for row in expected.values(
        "discussion__partnership_id", "m", "professional__agency_id"
    ).annotate(
        held=Count("discussion", distinct=True),
        sent=Count("discussion", filter=Q(on_time=True), distinct=True),
    ):
        key = (row["discussion__partnership_id"], row["m"], row["professional__agency_id"])
        counts[key] = {"discussions": row["held"], "on_time": row["sent"]}
    for row in expected.values("discussion__partnership_id", "m").annotate(
        held=Count("discussion", distinct=True),
        late=Count("discussion", filter=Q(on_time=False), distinct=True),
    ):
        key = (row["discussion__partnership_id"], row["m"], EVERY_AGENCY)
        counts[key] = {"discussions": row["held"], "on_time": row["held"] - row["late"]}
    return counts


def add_checks(counts: Counts, sign: int = 1) -> None:
    """Add (``sign`` -1: take away) ``counts`` to the month rows."""
    for (partnership_id, month, agency), row in counts.items():
        deltas = {name: sign * row[name] for name in ("discussions", "on_time")}
        if any(deltas.values()):
            keys = {"partnership_id": partnership_id, "month": month, "agency": agency}
            add_to(AgencyCheckTally._meta.db_table, keys, deltas)


def before_change(discussions: QuerySet[Discussion]) -> Counts:
    """Before a change to what the report reads of ``discussions``: their counts now."""
    return count_checks(discussions)


def after_change(discussions: QuerySet[Discussion], before: Counts) -> None:
    """After it: the counts ``before_change`` found taken away, the counts now added."""
    add_checks(before, -1)
    add_checks(count_checks(discussions))


def on_record_written(discussion_id: int) -> None:
    """The discussion has just been held: count it."""
    add_checks(count_checks(Discussion.objects.filter(pk=discussion_id)))


def invited(**professional: object) -> QuerySet[Discussion]:
    """The discussions the professionals matching ``professional`` were invited to."""
    people = Invitation.objects.filter(
        **{f"professional__{name}": value for name, value in professional.items()}
    )
    return Discussion.objects.filter(pk__in=people.values("discussion"))


@transaction.atomic
def rebuild_check_tallies(*, partnership_id: int | None = None) -> int:
    """Recount the agency checks' tallies (of one partnership, or all); returns the rows."""
    discussions = Discussion.objects.all()
    if partnership_id is not None:
        discussions = discussions.filter(partnership_id=partnership_id)
    rows = [
        AgencyCheckTally(partnership_id=p, month=m, agency=a, **row)
        for (p, m, a), row in count_checks(discussions).items()
    ]
    return replace_rows(AgencyCheckTally, partnership_id, rows)
