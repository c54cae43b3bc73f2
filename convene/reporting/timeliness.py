"""Timeliness of every clock kind (issue 13), read from the clocks' month tallies.

A period's whole London months come from :class:`~convene.clocks.models.ClockTally` and its
histogram (two queries, twelve rows a kind for a year, whatever the clocks); the days of a
partial month at either edge of the period (dates chosen) are counted from the clocks
themselves, into the same figures, and added, or the month read whole and its days
outside the period taken away, whichever is fewer days (reporting.edges; "to date" needs
neither). A team's figures
are always counted from its clocks (the tallies are the partnership's). Median and 90th
percentile are ``PERCENTILE_CONT`` over the time taken in tenths of the kind's unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from convene.clocks.models import Clock, ClockTakenTally, ClockTally
from convene.clocks.tally import COLUMNS
from convene.clocks.tally_count import count_clocks
from convene.clocks.units import UNIT_OF
from convene.policy.vocab import ClockKind
from convene.reporting.access import Scope
from convene.reporting.edges import plan
from convene.reporting.percentiles import weighted_percentile_cont
from convene.reporting.periods import Period
from convene.reporting.scoping import subjects_q

_LABELS: tuple[tuple[ClockKind, str], ...] = (
    (ClockKind.TRIAGE, "Triage decision"),
    (ClockKind.CONVENE, "Discussion convened"),
    (ClockKind.RECORD_DISTRIBUTED, "Record distributed"),
    (ClockKind.OUTCOME_NOTIFIED, "Referrer and absent agencies told"),
    (ClockKind.S47_VISIT, "Section 47 visit"),
    (ClockKind.ICPC, "Initial child protection conference"),
    (ClockKind.HRPM, "High risk planning meeting (monthly)"),
    (ClockKind.RECONVENE, "Reconvened discussion"),
    (ClockKind.ACTION_DUE, "Actions"),
    (ClockKind.AGENCY_CHECK, "Agency checks before the meeting"),
)
# (kind, label, the unit its time taken is read in: convene.clocks.units)
CLOCK_KINDS: tuple[tuple[ClockKind, str, str], ...] = tuple(
    (kind, label, UNIT_OF[kind.value]) for kind, label in _LABELS
)
# DfE, Children in need statistics 2024-25: ICPCs within 15 working days in England.
ICPC_NATIONAL_PERCENT = 81.4


@dataclass(frozen=True)
class TimelinessRow:
    kind: str
    label: str
    unit: str
    started: int
    met_on_time: int
    met_late: int
    breached: int
    open: int
    waived: int
    median: float | None  # in ``unit``
    p90: float | None

    @property
    def decided(self) -> int:
        return self.met_on_time + self.met_late + self.breached

    @property
    def percent_on_time(self) -> float | None:
        """Of the clocks that ran out or were met (open and waived ones are not yet judged)."""
        return round(100 * self.met_on_time / self.decided, 1) if self.decided else None

    @property
    def national_percent(self) -> float | None:
        return ICPC_NATIONAL_PERCENT if self.kind == ClockKind.ICPC else None


class _Sums:
    """Counts and histograms by kind, added up from tallies and live counts."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}
        self.taken: dict[str, dict[int, int]] = {}

    def add_counts(self, kind: str, counts: dict[str, int], sign: int = 1) -> None:
        into = self.counts.setdefault(kind, dict.fromkeys(COLUMNS, 0))
        for name in COLUMNS:
            into[name] += sign * (counts[name] or 0)

    def add_taken(self, kind: str, tenths: int, n: int, sign: int = 1) -> None:
        bins = self.taken.setdefault(kind, {})
        bins[tenths] = bins.get(tenths, 0) + sign * n


def _from_tallies(where: dict[str, object], sums: _Sums) -> None:
    rows = (
        ClockTally.objects.filter(**where)
        .values("kind")
        .annotate(**{name: Sum(name) for name in COLUMNS})
        .order_by()
    )
    for row in rows:
        sums.add_counts(row["kind"], row)
    bins = (
        ClockTakenTally.objects.filter(**where)
        .values_list("kind", "tenths")
        .annotate(n=Sum("clocks"))
        .order_by()
    )
    for kind, tenths, n in bins:
        sums.add_taken(kind, tenths, n)


def _from_clocks(clocks: QuerySet[Clock], sums: _Sums, sign: int) -> None:
    counted = count_clocks(clocks)
    for (_, _, kind), counts in counted.counts.items():
        sums.add_counts(kind, counts, sign)
    for (_, _, kind), bins in counted.taken.items():
        for tenths, n in bins.items():
            sums.add_taken(kind, tenths, n, sign)


def _percentiles(bins: dict[int, int] | None) -> tuple[float | None, float | None]:
    if not bins:
        return None, None
    values = {tenths / 10: n for tenths, n in bins.items() if n}
    if not values:
        return None, None
    return (
        round(weighted_percentile_cont(values, 0.5), 1),
        round(weighted_percentile_cont(values, 0.9), 1),
    )


def timeliness(*, scope: Scope, period: Period) -> list[TimelinessRow]:
    """Every clock kind started in ``period``: two queries for the tallied months, three
    for each of the days added and the days taken away at the edges (reporting.edges; a
    team's: all added), whatever the number of clocks."""
    sums = _Sums()
    counting = plan(scope, period)
    where = counting.where(scope)
    if where is not None:
        _from_tallies(where, sums)
    clocks = Clock.objects.filter(subjects_q(scope), partnership=scope.partnership)
    for sign, edges in counting.signed(clocks, "started_at"):
        _from_clocks(edges, sums, sign)
    rows = []
    for kind, label, unit in CLOCK_KINDS:
        found = sums.counts.get(kind.value, dict.fromkeys(COLUMNS, 0))
        median, p90 = _percentiles(sums.taken.get(kind.value))
        rows.append(
            TimelinessRow(
                kind=kind.value,
                label=label,
                unit=unit,
                **found,
                median=median,
                p90=p90,
            )
        )
    return rows
