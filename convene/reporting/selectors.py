"""Reads for the reports: database aggregates over the one clock table and the records.

Reporting only reads (STYLE habit 11): every figure is a ``COUNT`` or a percentile in SQL,
grouped in one query per table, so the number of queries does not grow with the data.
Counts are partnership-wide (a restricted record is counted, never named); every list of
rows goes through the owning app's ``*_visible_to`` selector.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from convene.clocks.models import Clock, Escalation
from convene.clocks.selectors import clocks_visible_to, escalations_visible_to
from convene.core.pagination import keyset_newest
from convene.followup.actions.selectors import actions_visible_to
from convene.followup.census import s47_drifting
from convene.followup.enquiries.selectors import s47_enquiries_visible_to
from convene.followup.models import S47Enquiry
from convene.people.models import Agency, Professional
from convene.policy.loader import load_pack
from convene.policy.vocab import ClockKind
from convene.records.models import (
    Action,
)
from convene.referrals.models import OverrideTally, Referral, TriageDecision
from convene.referrals.selectors import referrals_visible_to
from convene.reporting.access import Scope
from convene.reporting.edges import plan
from convene.reporting.percentiles import elapsed_percentiles
from convene.reporting.periods import Period
from convene.reporting.scoping import (
    discussions_q,
    raw_subjects_filter,
    referrals_q,
    s47s_q,
    subjects_q,
)
from convene.reporting.tallied import DECISION_LABELS as DECISION_LABELS
from convene.reporting.tallied import AttendanceRow as AttendanceRow
from convene.reporting.tallied import attendance_by_agency as attendance_by_agency
from convene.reporting.tallied import attendance_exceptions as attendance_exceptions
from convene.reporting.tallied import decisions_by_outcome as decisions_by_outcome
from convene.reporting.timeliness import CLOCK_KINDS as CLOCK_KINDS
from convene.reporting.timeliness import ICPC_NATIONAL_PERCENT as ICPC_NATIONAL_PERCENT
from convene.reporting.timeliness import TimelinessRow as TimelinessRow
from convene.reporting.timeliness import timeliness as timeliness
from convene.reporting.withheld import WithheldPage, withheld_page

# -- attendance ---------------------------------------------------------------------------


# -- decisions ----------------------------------------------------------------------------

# -- escalations --------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationRow:
    direction: str
    level: int
    raised: int
    resolved: int
    open: int
    median_days_to_resolve: float | None


def escalations_summary(*, scope: Scope, period: Period) -> list[EscalationRow]:
    """Escalations raised in ``period`` by direction and level; time to resolve in days."""
    raised = Escalation.objects.filter(
        subjects_q(scope),
        partnership=scope.partnership,
        **period.bounds("raised_at"),
    )
    team_sql, team_params = raw_subjects_filter(scope, Escalation)
    grouped = (
        raised.values("direction", "level")
        .annotate(
            raised=Count("pk"),
            resolved=Count("pk", filter=Q(state=Escalation.State.RESOLVED)),
        )
        .order_by("direction", "level")
    )
    taken = elapsed_percentiles(
        table=Escalation._meta.db_table,
        group="direction || ':' || CAST(level AS TEXT)",
        start="raised_at",
        end="resolved_at",
        where="partnership_id = %s AND raised_at >= %s AND raised_at < %s AND state = %s"
        + team_sql,
        params=[
            scope.partnership.pk,
            period.start_at,
            period.end_at,
            Escalation.State.RESOLVED.value,
            *team_params,
        ],
    )
    labels = dict(Escalation.Direction.choices)
    rows = []
    for row in grouped:
        found = taken.get(f"{row['direction']}:{row['level']}")
        median = found[0] if found else None
        rows.append(
            EscalationRow(
                direction=str(labels.get(row["direction"], row["direction"])),
                level=row["level"],
                raised=row["raised"],
                resolved=row["resolved"],
                open=row["raised"] - row["resolved"],
                median_days_to_resolve=None if median is None else round(median / 86400, 1),
            )
        )
    return rows


# -- drift: lists of rows, each through the owning app's selector -------------------------


def drifting_clocks(
    *, user: Professional, scope: Scope, now: datetime, kind: str | None = None
) -> QuerySet[Clock]:
    """Timescales past due and not met, oldest due first: those ``user`` may see only.

    Covers every kind: S47 enquiries without an ICPC (the ICPC clock runs until the
    conference is held or recorded as not required), records not distributed, outcome
    notices not sent, actions overdue.
    """
    clocks = clocks_visible_to(user=user)
    if kind:
        clocks = clocks.filter(kind=kind)
    return (
        clocks.filter(subjects_q(scope), partnership=scope.partnership, due_at__lt=now)
        .filter(Q(state=Clock.State.PENDING) | Q(state=Clock.State.BREACHED))
        .select_related("subject_type")
        .order_by("due_at", "pk")
    )


def drifting_s47s(*, user: Professional, scope: Scope, now: datetime) -> QuerySet[S47Enquiry]:
    """S47 enquiries open more than 15 working days (the partnership's calendar) with no
    conference date and not "ICPC not required" (the census's 8675Q), oldest first: the
    followup app's rule, over the enquiries ``user`` may see, of the team's cases if chosen."""
    enquiries = s47_enquiries_visible_to(user=user).filter(
        s47s_q(scope), partnership=scope.partnership
    )
    return s47_drifting(enquiries, policy_id=scope.partnership.policy_id, now=now)


# The drift lists a manager asks for by name: each a kind of timescale past due.
NAMED_DRIFT = (
    (ClockKind.RECORD_DISTRIBUTED, "Records not distributed"),
    (ClockKind.OUTCOME_NOTIFIED, "Outcome notices not sent"),
    (ClockKind.ACTION_DUE, "Actions past their timescale"),
)


def drift_counts(*, user: Professional, scope: Scope, now: datetime) -> list[tuple[str, str, int]]:
    """(kind, label, how many past due) for each named drift list: one grouped query."""
    counts = dict(
        drifting_clocks(user=user, scope=scope, now=now)
        .filter(kind__in=[kind.value for kind, _ in NAMED_DRIFT])
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return [(kind.value, label, counts.get(kind.value, 0)) for kind, label in NAMED_DRIFT]


def open_escalations(*, user: Professional, scope: Scope) -> QuerySet[Escalation]:
    return (
        escalations_visible_to(user=user)
        .filter(subjects_q(scope), partnership=scope.partnership)
        .exclude(state=Escalation.State.RESOLVED)
        .order_by("raised_at", "pk")
    )


def overdue_actions(*, user: Professional, scope: Scope, today: date) -> QuerySet[Action]:
    """Open actions past their due date; a partner sees their own agency's only."""
    actions = actions_visible_to(user=user).filter(
        discussions_q(scope, "record__discussion"),
        record__discussion__partnership=scope.partnership,
        status=Action.Status.OPEN,
        due_on__lt=today,
    )
    if not scope.whole:
        actions = actions.filter(owner_agency=scope.agency_id)
    return actions.select_related("owner_agency", "record").order_by("due_on", "pk")


def agency_name(*, scope: Scope) -> str:
    if scope.agency_id is None:
        return ""
    return Agency.objects.filter(pk=scope.agency_id).values_list("name", flat=True).first() or ""


# -- triage: recommendations overridden ---------------------------------------------------


def overrides_by_rule(*, scope: Scope, period: Period) -> list[tuple[str, int, int]]:
    """(what the rule says, overridden, triaged by that rule), most overridden first.

    The period's whole London months from the tallies (``referrals.OverrideTally``, issue
    13), the days at its edges (and a team's figures) counted live: a constant number of
    queries. Counts are partnership-wide: a restricted referral is counted, never named.
    """
    counts: dict[str, list[int]] = {}
    counting = plan(scope, period)
    where = counting.where(scope)
    grouped: list[tuple[int, QuerySet[Any, Any]]] = []  # (sign, (rule, overridden, triaged) rows)
    if where is not None:
        tallied = OverrideTally.objects.filter(**where).order_by().values_list("rule")
        grouped.append((1, tallied.annotate(o=Sum("overridden"), t=Sum("triaged"))))
    referrals = Referral.objects.filter(referrals_q(scope), partnership=scope.partnership)
    for sign, edges in counting.signed(referrals, "triaged_at"):
        overridden = Count("pk", filter=Q(decision=TriageDecision.OVERRIDDEN))
        counted = edges.order_by().values_list("recommended_rule_id")
        grouped.append((sign, counted.annotate(o=overridden, t=Count("pk"))))
    for sign, rows in grouped:
        for rule, o, t in rows:
            sums = counts.setdefault(rule, [0, 0])
            sums[0] += sign * o
            sums[1] += sign * t
    # Plain words, not rule ids (issue 18): each rule as the partnership's procedure says it.
    said = {rule.id: str(rule.summary) for rule in load_pack(scope.partnership.policy_id).rules}
    ranked = sorted(
        ((rule, o, t) for rule, (o, t) in counts.items() if o > 0),
        key=lambda row: (-row[1], row[0]),
    )
    return [
        (
            said.get(rule, "A rule no longer in the procedure") if rule else "No rule recorded",
            overridden,
            triaged,
        )
        for rule, overridden, triaged in ranked
    ]


def overridden_referrals(*, user: Professional, scope: Scope, period: Period) -> QuerySet[Referral]:
    """The overridden referrals ``user`` may open, with the reason given, newest first (the
    download: every row)."""
    return (
        referrals_visible_to(user=user)
        .filter(
            referrals_q(scope),
            partnership=scope.partnership,
            decision=TriageDecision.OVERRIDDEN,
            **period.bounds("triaged_at"),
        )
        .order_by("-triaged_at", "-pk")
    )


def overrides_page(
    *, user: Professional, scope: Scope, period: Period, before: int | None, size: int
) -> WithheldPage[Referral]:
    """The overrides page's ``size`` referrals after the referral ``before``, newest triaged
    first: a keyset page (no OFFSET, no count) on ``referral_report_triaged``, so a deep page
    costs what the first does. The partnership's list is paged as it stands and need-to-know
    decided for the page's rows only, in one query: a restricted referral ``user`` is not
    named on (R004.2) is shown with its details withheld, as the exception reasons are."""
    rows = Referral.objects.filter(
        referrals_q(scope),
        partnership=scope.partnership,
        decision=TriageDecision.OVERRIDDEN,
        **period.bounds("triaged_at"),
    )
    page = keyset_newest(rows, field="triaged_at", before=before, size=size)
    return withheld_page(
        page, visible=referrals_visible_to(user=user), subjects=(r.pk for r in page.rows)
    )
