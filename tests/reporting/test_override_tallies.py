"""The overridden recommendations' month tallies (issue 13, "Speed"; ``referrals.OverrideTally``)
equal a hand count of the referrals after every service that writes a triage or a
decision (``referral_create``, ``referral_triage``, ``referral_update_facts``,
``referral_accept``, ``referral_override``); the recount (`convene reporting
rebuild-summary`) writes the same rows; and the dashboard's figures, from the tallies for
whole months and live at a period's edges, equal the hand count."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from convene.clocks.tally import month_of
from convene.referrals.models import OverrideTally, Referral
from convene.referrals.services import (
    RiskFacts,
    referral_accept,
    referral_triage,
    referral_update_facts,
)
from convene.reporting.access import report_scope
from convene.reporting.periods import Period
from convene.reporting.selectors import overrides_by_rule
from tests.convening import NOW
from tests.reporting.overriding import override_to_meeting

pytestmark = pytest.mark.django_db
# 23:30 on 31 March UTC is 00:30 on 1 April in London (summer time): April's.
APRIL_FIRST_HOUR = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)


def _tallies() -> dict:
    rows = {
        (t.partnership_id, t.month, t.rule): (t.triaged, t.overridden)
        for t in OverrideTally.objects.all()
    }
    return {key: row for key, row in rows.items() if any(row)}


def _hand() -> dict:
    """Counted by hand, one referral at a time."""
    found: Counter = Counter()
    for r in Referral.objects.exclude(triaged_at=None):
        key = (r.partnership_id, month_of(r.triaged_at), r.recommended_rule_id)
        found[(*key, "t")] += 1
        found[(*key, "o")] += int(r.decision == "overridden")
    keys = {key[:3] for key in found}
    return {key: (found[(*key, "t")], found[(*key, "o")]) for key in keys}


def _fresh(referral: Referral) -> Referral:
    return Referral.objects.get(pk=referral.pk)


def test_the_tallies_follow_every_service_and_the_recount_agrees(people, referral_for):
    first = referral_for()
    assert _tallies() == _hand() != {}
    # Triaged again in the first hour of April (London): it moves month.
    referral_triage(referral=first, by=people["tom"], now=APRIL_FIRST_HOUR)
    assert month_of(_fresh(first).triaged_at) == date(2026, 4, 1)
    assert _tallies() == _hand()
    # New answers: another rule recommends.
    rule_before = _fresh(first).recommended_rule_id
    referral_update_facts(
        referral=first,
        categories=["physical"],
        facts=RiskFacts(significant_harm_suspected=False),
        by=people["tom"],
        now=NOW,
        expected_version=_fresh(first).version,
    )
    assert _fresh(first).recommended_rule_id != rule_before
    assert _tallies() == _hand()
    override_to_meeting(first, by=people["bob"], now=APRIL_FIRST_HOUR)
    assert _tallies() == _hand()
    second = referral_for()
    referral_accept(referral=second, by=people["bob"], now=NOW, expected_version=second.version)
    assert _tallies() == _hand()
    third = referral_for(categories=("allegation_against_staff",), named=("hana",))
    override_to_meeting(third, by=people["hana"], reason="Staff member is the registered manager")
    kept = _tallies()
    assert kept == _hand()
    assert sum(overridden for _, overridden in kept.values()) == 2
    OverrideTally.objects.update(triaged=99)  # drifted: the recount puts it right
    call_command("reporting", "rebuild-summary", stdout=StringIO())
    assert _tallies() == kept


@pytest.mark.parametrize(
    "period",
    [
        Period(date(2026, 3, 1), date(2026, 5, 1), "March and April: tallies only"),
        Period(date(2026, 3, 4), date(2026, 4, 2), "edges only, live"),
        Period(date(2026, 3, 31), date(2026, 5, 1), "an edge day and a whole month"),
    ],
    ids=lambda p: p.label,
)
def test_the_dashboard_from_tallies_and_edges_equals_the_hand_count(people, referral_for, period):
    plain = referral_for()
    override_to_meeting(plain, by=people["bob"])
    late = referral_for()
    override_to_meeting(late, by=people["bob"], now=APRIL_FIRST_HOUR)
    accepted = referral_for()
    referral_accept(referral=accepted, by=people["bob"], now=NOW, expected_version=accepted.version)
    inside = [r for r in Referral.objects.all() if period.start_at <= r.triaged_at < period.end_at]
    rows = overrides_by_rule(scope=report_scope(user=people["bob"]), period=period)
    assert sum(o for _, o, _ in rows) == sum(r.decision == "overridden" for r in inside)
    rules = {r.recommended_rule_id for r in inside if r.decision == "overridden"}
    assert sum(t for _, _, t in rows) == sum(r.recommended_rule_id in rules for r in inside)
