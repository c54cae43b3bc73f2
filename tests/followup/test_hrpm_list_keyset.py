"""The HRPM list a page at a time by the young person's name (issue 15): ``keyset_by`` over
(last name, first name, id) from the last row shown, so the pages neither overlap nor skip
(children of one name included), the same queries for any page, and an HRPM of a child the
reader may not see is on no page. The partnerships' active HRPMs are gathered first and
sorted, never found by walking every child's name. R000.3."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from convene.followup.hrpm import views as hrpm_views
from convene.followup.hrpm.models import Hrpm
from convene.people.factories import ChildFactory
from convene.referrals.models import Referral
from tests.plans import plan_without
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

LIST = reverse("followup:hrpm-list")
NAMES = [("Adams", "Zoe"), ("Brown", "Amy"), ("Brown", "Amy"), ("Brown", "Ben"), ("Clark", "")]


def _hrpm(partnership, referral, last: str, first: str) -> Hrpm:
    child = ChildFactory(partnership=partnership, last_name=last, first_name=first)
    return Hrpm.objects.create(
        partnership=partnership,
        child=child,
        referral=referral,
        risk_assessment="Exploitation",
        young_persons_view="Fine",
    )


def _pages(client) -> list[list[int]]:
    pages, url = [], LIST
    while url:
        html = client.get(url).content.decode()
        pages.append([int(pk) for pk in re.findall(r'href="/hrpm/(\d+)/"', html)])
        after = re.search(r'href="\?before=(\d+)" rel="next"', html)
        url = f"{LIST}?before={after.group(1)}" if after else None
        assert len(pages) < 20
    return pages


def test_pages_neither_overlap_nor_skip_and_keep_name_order(
    client, child_in_care, people, neighbour, monkeypatch
):
    monkeypatch.setattr(hrpm_views, "HRPM_PAGE", 2)
    referral = Referral.objects.get(children=child_in_care)
    made = [_hrpm(child_in_care.partnership, referral, last, first) for last, first in NAMES]
    # Another partnership's HRPM: alice may not see it, on any page.
    hidden = _hrpm(neighbour, referral, "Aaron", "Aaron")
    client.force_login(people["alice"])
    pages = _pages(client)
    shown = [pk for page in pages for pk in page]
    assert all(len(page) <= 2 for page in pages)
    assert len(shown) == len(set(shown))  # no overlap
    assert set(shown) == {h.pk for h in made}  # no skip, nothing hidden
    assert hidden.pk not in shown
    order = list(
        Hrpm.objects.filter(pk__in=shown)
        .order_by("child__last_name", "child__first_name", "pk")
        .values_list("pk", flat=True)
    )
    assert shown == order


def test_a_cursor_of_a_hidden_hrpm_starts_at_the_top(client, child_in_care, people, neighbour):
    referral = Referral.objects.get(children=child_in_care)
    mine = _hrpm(child_in_care.partnership, referral, "Brown", "Amy")
    hidden = _hrpm(neighbour, referral, "Aaron", "Aaron")
    client.force_login(people["alice"])
    html = client.get(f"{LIST}?before={hidden.pk}").content.decode()
    assert f'href="/hrpm/{mine.pk}/"' in html
    assert "Aaron" not in html
    assert client.get(f"{LIST}?before=nonsense").status_code == 200


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_a_later_page_costs_the_first_pages_queries_plus_its_cursor(
    client, child_in_care, people, monkeypatch
):
    monkeypatch.setattr(hrpm_views, "HRPM_PAGE", 2)
    referral = Referral.objects.get(children=child_in_care)
    made = [_hrpm(child_in_care.partnership, referral, last, first) for last, first in NAMES]
    client.force_login(people["alice"])
    client.get(LIST)
    first = _queries(client, LIST)
    for _ in range(6):
        _hrpm(child_in_care.partnership, referral, "Young", "Yan")
    assert _queries(client, LIST) == first
    assert _queries(client, f"{LIST}?before={made[1].pk}") == first + 1  # the cursor's row


def test_the_active_hrpms_of_the_partnerships_are_gathered_first(child_in_care, people):
    """``hrpms_listed`` reads the active HRPMs of the person's partnerships (their ids as
    values) before any child: PostgreSQL walked the children's name index to find them
    (43,053 children for 51 rows at a million discussions), or, for a partnership with few
    HRPMs beside a large one, every child's name to find none (issue 15)."""
    from convene.followup.hrpm.selectors import hrpms_listed

    listed = hrpms_listed(user=people["alice"]).order_by(
        "child__last_name", "child__first_name", "pk"
    )
    sql = str(listed.query)
    assert f'U0."partnership_id" IN ({child_in_care.partnership_id})' in sql, sql
    if connection.vendor == "postgresql":
        plan = plan_without(listed[:51], "seqscan")
        assert "InitPlan" in plan, plan
        assert "people_child_name_order" not in plan, plan
