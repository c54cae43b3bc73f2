"""Agency checks in by the start (issue 16, R001.7): of the discussions held in the period, the
share where every invited agency sent its check at or before the meeting's start, and each
agency's own share.

The checks are counted over ``agencychecks.selectors.expected_checks`` in the database; a check sent
exactly at the start is on time, as a clock met at its due time is. A discussion with no
partner agency invited expects no check and is left out. A partner sees its own agency's line
only, never the overall one (which counts other agencies' checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from convene.agencychecks.selectors import expected_checks
from convene.discussions.models import Discussion
from convene.people.vocab import AgencyKind
from convene.reporting.access import Scope
from convene.reporting.periods import Period
from convene.reporting.scoping import discussions_q

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


def _expected(scope: Scope, period: Period) -> QuerySet[Any]:
    discussions = Discussion.objects.filter(
        discussions_q(scope, "pk"),
        partnership=scope.partnership,
        **period.bounds("record__held_at"),
    )
    return expected_checks(discussions=discussions).order_by()


def agency_checks_on_time(*, scope: Scope, period: Period) -> list[CheckShareRow]:
    """The overall line, then one line per agency by name (a partner: theirs only).

    Counted in the database (two grouped queries), never a row per discussion in Python: a
    discussion counts once for an agency however many of its people were invited; every
    agency was in time unless one of them was late."""
    expected = _expected(scope, period)
    rows = []
    if scope.whole:
        overall = expected.aggregate(
            held=Count("discussion", distinct=True),
            late=Count("discussion", filter=Q(on_time=False), distinct=True),
        )
        if overall["held"]:
            held = overall["held"]
            rows.append(_row(EVERY_AGENCY, "", held, held - overall["late"]))
    else:
        expected = expected.filter(professional__agency=scope.agency_id)
    by_agency = (
        expected.values("professional__agency__name", "professional__agency__kind")
        .annotate(
            held=Count("discussion", distinct=True),
            sent=Count("discussion", filter=Q(on_time=True), distinct=True),
        )
        .order_by("professional__agency__name")
    )
    for line in by_agency:
        kind = AgencyKind(line["professional__agency__kind"]).label
        rows.append(_row(line["professional__agency__name"], kind, line["held"], line["sent"]))
    return rows
