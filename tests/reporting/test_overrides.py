"""Recommendations overridden: counted for the partnership, listed only where one may look."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from convene.referrals.services import referral_accept
from convene.reporting import views
from convene.reporting.access import report_scope
from convene.reporting.periods import Period
from convene.reporting.selectors import overrides_by_rule
from tests.convening import NOW
from tests.queries import CaptureQueriesContext
from tests.reporting.overriding import override_to_meeting

MARCH = {
    "period": "dates",
    "start-day": "1",
    "start-month": "3",
    "start-year": "2026",
    "end-day": "31",
    "end-month": "3",
    "end-year": "2026",
}


@pytest.fixture
def triaged(people, referral_for):
    plain = referral_for()
    override_to_meeting(plain, by=people["bob"])
    secret = referral_for(categories=("allegation_against_staff",), named=("hana", "lee"))
    override_to_meeting(secret, by=people["hana"], reason="Staff member is the registered manager")
    accepted = referral_for()
    referral_accept(referral=accepted, by=people["bob"], now=NOW, expected_version=accepted.version)
    return plain, secret


def test_counts_include_the_restricted_referral(people, triaged):
    scope = report_scope(user=people["bob"])
    rows = overrides_by_rule(
        scope=scope, period=Period(date(2026, 3, 1), date(2026, 4, 1), "March")
    )
    assert sum(overridden for _, overridden, _ in rows) == 2
    assert sum(total for _, _, total in rows) >= 2


def test_reasons_listed_only_for_those_who_may_open_the_referral(client, people, triaged):
    plain, secret = triaged
    assert plain.reference
    url = reverse("reporting:overrides")
    client.force_login(people["bob"])
    bob_page = client.get(url, MARCH).content.decode()
    assert "Several agencies involved" in bob_page
    assert "registered manager" not in bob_page
    assert secret.reference not in bob_page
    client.force_login(people["hana"])
    hana_page = client.get(url, MARCH).content.decode()
    assert "registered manager" in hana_page


def test_each_rule_is_named_in_plain_words_not_by_its_id(client, people, triaged):
    """Issue 18: no rule ids in the main text: the rule as the procedure says it."""
    scope = report_scope(user=people["bob"])
    rows = overrides_by_rule(
        scope=scope, period=Period(date(2026, 3, 1), date(2026, 4, 1), "March")
    )
    assert rows
    for said, _, _ in rows:
        assert " " in said, said  # words, not an id like "england.pathway.strategy_discussion"
        assert not said.startswith(("england.", "halton.", "warwickshire.")), said
    client.force_login(people["bob"])
    page = client.get(reverse("reporting:dashboard"), MARCH).content.decode()
    assert "england.pathway" not in page


def test_the_list_downloads_with_only_the_referrals_one_may_open(client, people, triaged):
    """Every table downloads (issue 13): the list of overrides and their reasons too, as the
    page shows it: a restricted referral only to those named on it; audited as an export."""
    from convene.audit.models import Action as AuditAction
    from convene.audit.models import AuditEntry

    plain, secret = triaged
    client.force_login(people["bob"])
    page = client.get(reverse("reporting:overrides"), MARCH).content.decode()
    csv_url = reverse("reporting:download", args=["overridden-referrals", "csv"])
    assert csv_url in page
    assert reverse("reporting:download", args=["overridden-referrals", "xlsx"]) in page
    bobs = client.get(csv_url, MARCH).content.decode("utf-8-sig")
    assert plain.reference in bobs
    assert "Several agencies involved" in bobs
    assert secret.reference not in bobs
    assert "registered manager" not in bobs
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=people["bob"]).count() == 1
    client.force_login(people["hana"])
    hanas = client.get(csv_url, MARCH).content.decode("utf-8-sig")
    assert secret.reference in hanas
    assert "registered manager" in hanas


def test_the_list_is_a_keyset_page_with_restricted_rows_withheld(
    client, people, referral_for, triaged, monkeypatch
):
    """Newest triaged first, two a page here: a restricted referral bob is not named on is a
    row with its details withheld; "Older" leads on from the page's last row; the last page
    has no such link."""
    _plain, secret = triaged
    later = referral_for()
    override_to_meeting(
        later, by=people["bob"], now=NOW + timedelta(hours=1), reason="Police already involved"
    )
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    url = reverse("reporting:overrides")
    client.force_login(people["bob"])
    first = client.get(url, MARCH).content.decode()
    assert "Police already involved" in first
    assert "Not shown: a restricted referral you are not named on" in first
    assert secret.reference not in first
    assert "registered manager" not in first
    assert "Several agencies involved" not in first  # on the next page
    assert f"before={secret.pk}" in first
    assert 'rel="next"' in first
    second = client.get(url, {**MARCH, "before": str(secret.pk)}).content.decode()
    assert "Several agencies involved" in second
    assert "Police already involved" not in second
    assert 'rel="next"' not in second
    assert 'rel="prev"' in second
    assert "Not shown" not in second
    # Hana is named on the restricted referral: its reason is shown to her.
    client.force_login(people["hana"])
    assert "registered manager" in client.get(url, MARCH).content.decode()


def test_need_to_know_is_one_query_a_page(client, people, referral_for, triaged, monkeypatch):
    """The queries of a page do not grow with its rows."""
    monkeypatch.setattr(views, "PAGE_SIZE", 25)
    url = reverse("reporting:overrides")
    client.force_login(people["bob"])
    client.get(url, MARCH)
    with CaptureQueriesContext(connection) as few:
        client.get(url, MARCH)
    for n in range(3):
        extra = referral_for()
        override_to_meeting(extra, by=people["bob"], reason=f"Reason {n}")
    with CaptureQueriesContext(connection) as more:
        page = client.get(url, MARCH).content.decode()
    assert "Reason 2" in page
    assert len(more) == len(few)
