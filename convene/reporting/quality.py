"""The 2014 quality standards audit over authorised records, from what was stored.

Each standard is read from the stored outcome of the rule that carries it, never decided
again here: the record-distributed and outcome-told clocks (R002.8, R002.9) say whether
those were on time; the current version's attendance says who attended (R002.4); the
chair's roles say who chaired (R002.4). A record is authorised only when
``records.authorise_checks.record_check`` passes, which is where the decision, its
reasons and the S47 plan with its areas of risk are enforced (R002.5 to R002.7): the
report shows them as met by every authorised record, with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from convene.people.models import Professional
from convene.records.models import QualityTally, RecordVersion
from convene.records.quality_tally import flags
from convene.records.selectors import records_visible_to
from convene.reporting.access import Scope
from convene.reporting.edges import add_signed, plan
from convene.reporting.periods import Period
from convene.reporting.scoping import current_versions
from convene.reporting.tallied import edge_versions

# (annotation, what the standard asks, its citation)
STANDARDS = (
    ("chaired_by_manager", "Chaired by a deputy team manager or team manager", "R002.4"),
    ("police_attended", "Police attended", "R002.4"),
    ("health_attended", "A health professional attended", "R002.4"),
    ("distributed_in_time", "Record distributed within one working day", "R002.8"),
    ("told_in_time", "Referrer and absent agencies told within one working day", "R002.9"),
)
COUNTS = ("records", *(name for name, _, _ in STANDARDS))


def audited_versions(*, scope: Scope, period: Period) -> QuerySet[RecordVersion]:
    """The current versions with one flag per standard."""
    return current_versions(scope, period).annotate(**flags())


@dataclass(frozen=True)
class StandardRow:
    standard: str
    citation: str
    met: int
    records: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.records, 1) if self.records else None


def quality_audit(*, scope: Scope, period: Period) -> list[StandardRow]:
    """Share of authorised records meeting each standard: the whole London months from
    the quality tallies (convene.records.quality_tally), the days of a partial month at
    either edge (or a team's, always) counted live in one query, the same flags."""
    totals = dict.fromkeys(COUNTS, 0)
    counting = plan(scope, period)
    where = counting.where(scope)
    if where is not None:
        tallied = QualityTally.objects.filter(**where).aggregate(
            **{name: Sum(name) for name in COUNTS}
        )
        add_signed(totals, tallied, 1)
    for sign, versions in edge_versions(counting, scope):
        # The flags themselves as the filters: aggregating over annotations that reach
        # through joins (the chair) loses the join, so each count carries its own EXISTS.
        counted = versions.aggregate(
            records=Count("pk"),
            **{name: Count("pk", filter=flag) for name, flag in flags().items()},
        )
        add_signed(totals, counted, sign)
    rows = [
        StandardRow(label, citation, totals[name], totals["records"])
        for name, label, citation in STANDARDS
    ]
    rows.append(
        StandardRow(
            "Decision, reasons and Section 47 plan stated (checked before authorising)",
            "R002.5 to R002.7",
            totals["records"],
            totals["records"],
        )
    )
    return rows


def records_missing_a_standard(
    *, user: Professional, scope: Scope, period: Period
) -> QuerySet[RecordVersion]:
    """Versions missing at least one standard, of records ``user`` may open, oldest first."""
    missing = Q()
    for name, _, _ in STANDARDS:
        missing |= Q(**{name: False})
    return (
        audited_versions(scope=scope, period=period)
        .filter(missing, record__in=records_visible_to(user=user).values("pk"))
        .select_related("record")
        .order_by("record__held_at", "pk")
    )


def missing_labels(version: RecordVersion) -> list[str]:
    return [label for name, label, _ in STANDARDS if not getattr(version, name)]
