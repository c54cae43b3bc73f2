"""The "Recommendations overridden" month tallies (issue 13; the model
``referrals.models.OverrideTally``), kept in the writer's transaction as the other report
summaries are (convene.clocks.tally.add_to), and counted by the dashboard's own rule:
referrals by the London month of ``triaged_at`` and their ``recommended_rule_id``, and of
those the ones whose decision is "overridden".

What a referral counts under (its :func:`counted_as`) changes only where a service writes
its triage or its decision: ``referral_create`` (first triaged), ``referral_triage`` and
``referral_update_facts`` (triaged again: the month and the rule may move), and
``referral_accept`` / ``referral_override`` (triaged again, then decided). Each reads
``counted_as`` before it changes the referral and calls :func:`tally_moved` after it
saves. ``rebuild_override_tallies`` recounts everything (``convene reporting
rebuild-summary``, after a bulk load).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncMonth

from convene.clocks.tally import add_to, month_of, replace_rows
from convene.referrals.models import OverrideTally, Referral, TriageDecision
from convene.workdays.timescales import LONDON


class Counted(NamedTuple):
    partnership_id: int
    month: date
    rule: str
    overridden: bool


def counted_as(referral: Referral) -> Counted | None:
    """Where ``referral`` counts in the tallies now: none before it is triaged."""
    if referral.triaged_at is None:
        return None
    overridden = referral.decision == TriageDecision.OVERRIDDEN
    month = month_of(referral.triaged_at)
    return Counted(referral.partnership_id, month, referral.recommended_rule_id, overridden)


def _add(counted: Counted, sign: int) -> None:
    keys = {"partnership_id": counted.partnership_id, "month": counted.month, "rule": counted.rule}
    deltas = {"triaged": sign, "overridden": sign if counted.overridden else 0}
    add_to(OverrideTally._meta.db_table, keys, deltas)


def tally_moved(before: Counted | None, referral: Referral) -> None:
    """``referral`` has just been saved; it counted as ``before`` (a :func:`counted_as` read
    before the change): take that away and add where it counts now, if it moved."""
    after = counted_as(referral)
    if before == after:
        return
    if before is not None:
        _add(before, -1)
    if after is not None:
        _add(after, 1)


@transaction.atomic
def rebuild_override_tallies(*, partnership_id: int | None = None) -> int:
    """Recount the override tallies (of one partnership, or all); returns the rows."""
    referrals = Referral.objects.filter(triaged_at__isnull=False)
    if partnership_id is not None:
        referrals = referrals.filter(partnership_id=partnership_id)
    counted = (
        referrals.annotate(m=TruncMonth("triaged_at", tzinfo=LONDON, output_field=DateField()))
        .order_by()
        .values_list("partnership_id", "m", "recommended_rule_id")
        .annotate(
            triaged=Count("pk"),
            overridden=Count("pk", filter=Q(decision=TriageDecision.OVERRIDDEN)),
        )
    )
    rows = [
        OverrideTally(partnership_id=p, month=m, rule=r, triaged=t, overridden=o)
        for p, m, r, t, o in counted
    ]
    return replace_rows(OverrideTally, partnership_id, rows)
