"""Triage reports every mistake at once (issue 18): one submit, every error, nothing decided."""

from __future__ import annotations

import pytest

from convene.clocks.models import Clock
from convene.core.errors import Invalid
from convene.referrals.models import Referral, TriageReason
from convene.referrals.services import referral_override

pytestmark = pytest.mark.django_db

SCREENING = "halton.reason.exploitation_not_screened"


def test_R004_7_an_override_reports_the_pathway_the_reason_and_the_reasons_asked(
    referral_for, people
):
    referral = referral_for(categories=["cse"])
    with pytest.raises(Invalid) as refused:
        referral_override(
            referral=referral,
            pathway=referral.recommended_pathway,
            reason="  ",
            by=people["bob"],
            now=referral.received_at,
            expected_version=1,
        )
    assert [p.field for p in refused.value.problems] == [
        "pathway",
        "override_reason",
        f"reason-{SCREENING}",
    ]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.AWAITING_TRIAGE
    assert Clock.objects.get(kind="triage").state == "pending"
    assert not TriageReason.objects.exists()


def test_an_unknown_pathway_is_refused_with_the_missing_reason_too(referral_for, people):
    referral = referral_for()
    with pytest.raises(Invalid) as refused:
        referral_override(
            referral=referral,
            pathway="tea_party",
            reason="",
            by=people["bob"],
            now=referral.received_at,
            expected_version=1,
        )
    assert [p.field for p in refused.value.problems] == ["pathway", "override_reason"]


def test_R004_7_the_triage_page_lists_every_mistake_in_one_submit(client, people, referral_for):
    referral = referral_for(categories=["cce"])
    client.force_login(people["bob"])
    url = f"/referrals/{referral.pk}/triage/"
    other = "no_strategy_discussion"
    html = client.post(url, {"pathway": other, "version": "1"}).content.decode()
    start = html.index("govuk-error-summary")
    summary = html[start : html.index("</ul>", start)]
    assert summary.count("<li>") == 2
    assert "Enter the reason for overriding the recommendation" in summary
    assert "enter the reason" in summary
    assert 'href="#id_override_reason"' in summary
    assert f'href="#id_reason-{SCREENING}"' in summary
    referral.refresh_from_db()
    assert referral.status == Referral.Status.AWAITING_TRIAGE
