"""Agency checks in by the start (issue 16, R001.7): of the discussions held in the period, the
share where every invited agency sent its check at or before the meeting's start, and each
agency's own share.

The checks are counted over ``agencychecks.selectors.expected_checks`` in the database: a
period's whole London months from the month tallies (convene.agencychecks.tally, issue 13),
the days of a partial month at either edge (and a team's, always) live; a check sent
exactly at the start is on time, as a clock met at its due time is. A discussion with no
partner agency invited expects no check and is left out. A partner sees its own agency's line
only, never the overall one (which counts other agencies' checks).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from convene.agencychecks.models import AgencyCheckTally
from convene.agencychecks.selectors import expected_checks
from convene.agencychecks.tally import EVERY_AGENCY as EVERY
from convene.discussions.models import Discussion
from convene.people.models import Agency
from convene.people.vocab import AgencyKind
from convene.reporting.access import Scope
from convene.reporting.edges import plan
from convene.reporting.periods import Period
from convene.reporting.scoping import TeamHeld, discussions_q, live_signed
from convene.reporting.tallied import tallies

EVERY_AGENCY = "Every agency invited"


@dataclass(frozen=True)
class CheckShareRow:
    label: str
    kind: str
    discussions: int  # discussions held that expected a check (from this agency)
    on_time: int  # of those, where the check(s) came by the start
    percent: float | None  # None: no discussion to count


def _row(label: str, kind: str, total: int, sent: int) -> CheckShareRow:
    return CheckShareRow(label, kind, total, sent, round(100 * sent / total, 1) if total else None)


def _counted(scope: Scope, period: Period) -> Counter[tuple[int, str]]:
    """(agency id, 0 for every agency; "held" or "sent") counts: the whole months from the
    tallies (convene.agencychecks.tally), the days at the edges live, in the database."""
    counts: Counter[tuple[int, str]] = Counter()
    counting = plan(scope, period)
    where = counting.where(scope)
    if where is not None:
        tallied = tallies(AgencyCheckTally, where, scope).values("agency")
        for row in tallied.annotate(held=Sum("discussions"), sent=Sum("on_time")):
            counts.update(
                {(row["agency"], "held"): row["held"], (row["agency"], "sent"): row["sent"]}
            )
    discussions = Discussion.objects.filter(
        discussions_q(scope, "pk"), partnership=scope.partnership
    )
    for sign, edges in live_signed(scope, counting, discussions, _discussions_held):
        live: Counter[tuple[int, str]] = Counter()
        _count_live(expected_checks(discussions=edges).order_by(), scope, live)
        counts.update({key: sign * n for key, n in live.items()})
    return counts


def _discussions_held(held: TeamHeld) -> QuerySet[Discussion]:
    return Discussion.objects.filter(pk__any_of=held.discussions)


def _count_live(expected: QuerySet[Any], scope: Scope, counts: Counter[tuple[int, str]]) -> None:
    """Two grouped queries: a discussion counts once for an agency however many of its
    people were invited; every agency was in time unless one of them was late."""
    if scope.whole:
        overall = expected.aggregate(
            held=Count("discussion", distinct=True),
            late=Count("discussion", filter=Q(on_time=False), distinct=True),
        )
        counts[(EVERY, "held")] += overall["held"]
        counts[(EVERY, "sent")] += overall["held"] - overall["late"]
    else:
        expected = expected.filter(professional__agency=scope.agency_id)
    for line in (
        expected.values("professional__agency")
        .annotate(
            held=Count("discussion", distinct=True),
            sent=Count("discussion", filter=Q(on_time=True), distinct=True),
        )
        .order_by()
    ):
        agency = line["professional__agency"]
        counts[(agency, "held")] += line["held"]
        counts[(agency, "sent")] += line["sent"]


def agency_checks_on_time(*, scope: Scope, period: Period) -> list[CheckShareRow]:
    """The overall line, then one line per agency by name (a partner: theirs only); never a
    row per discussion in Python."""
    counts = _counted(scope, period)
    rows = []
    if scope.whole and counts[(EVERY, "held")]:
        held = counts[(EVERY, "held")]
        rows.append(_row(EVERY_AGENCY, "", held, counts[(EVERY, "sent")]))
    ids = {agency for agency, what in counts if agency != EVERY and counts[(agency, "held")]}
    agencies = Agency.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name", "kind")
    for pk, name, kind in agencies if ids else []:
        rows.append(_row(name, AgencyKind(kind).label, counts[(pk, "held")], counts[(pk, "sent")]))
    return rows
