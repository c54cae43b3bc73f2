"""The S47 list is a keyset page, newest first (issue 15): open enquiries by default, closed
ones with ``?show=all``, the same queries for 3 or 30 enquiries, and no enquiry of a
discussion the person may not see on any page. R003.8, R003.9."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from convene.followup.enquiries import views as s47_views
from convene.followup.models import S47Enquiry
from convene.people.factories import ChildFactory
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

LIST = reverse("followup:s47-list")


def _more(enquiry: S47Enquiry, count: int, *, closed_by=None) -> list[S47Enquiry]:
    """``count`` more enquiries of the same discussion (one child each), a minute apart after
    ``enquiry``; closed ones when ``closed_by`` is given."""
    start: datetime = S47Enquiry.objects.order_by("-started_at").first().started_at
    done = {}
    if closed_by is not None:
        done = {
            "state": S47Enquiry.State.CLOSED,
            "visited_at": start,
            "seen_alone": True,
            "outcome": "no_further_action",
            "outcome_reasons": "No concerns found",
            "legal_status_at_outcome": "none",
            "outcome_at": start,
            "outcome_by": closed_by,
            "closed_at": start,
            "closed_by": closed_by,
        }
    return S47Enquiry.objects.bulk_create(
        S47Enquiry(
            partnership_id=enquiry.partnership_id,
            discussion_id=enquiry.discussion_id,
            record_version_id=enquiry.record_version_id,
            child=ChildFactory(partnership_id=enquiry.partnership_id),
            lead=enquiry.lead,
            started_at=start + timedelta(minutes=1 + number),
            decided_at=enquiry.decided_at,
            **done,
        )
        for number in range(count)
    )


def _links(page: str) -> list[str]:
    return [
        f"/s47/{pk}/"
        for pk in S47Enquiry.objects.order_by("-started_at", "-pk").values_list("pk", flat=True)
        if f'href="/s47/{pk}/"' in page
    ]


def test_the_list_costs_the_same_queries_for_3_or_30_enquiries(client, enquiry, people):
    first = enquiry()
    _more(first, 2)
    client.force_login(people["alice"])
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        page = client.get(LIST).content.decode()
    assert len(_links(page)) == 3
    _more(first, 27)
    with CaptureQueriesContext(connection) as many:
        page = client.get(LIST).content.decode()
    assert len(_links(page)) == 30
    assert len(few) == len(many)


def test_pages_walk_newest_first_and_closed_ones_wait_for_show_all(
    client, enquiry, people, monkeypatch
):
    monkeypatch.setattr(s47_views, "S47_PAGE", 2)
    first = enquiry()
    opened = _more(first, 3)
    closed = _more(first, 1, closed_by=people["bob"])
    client.force_login(people["alice"])

    newest_open = [f"/s47/{e.pk}/" for e in [*reversed(opened), first]]
    page = client.get(LIST).content.decode()
    assert _links(page) == newest_open[:2]
    assert f"?before={opened[1].pk}" in page
    page = client.get(LIST, {"before": opened[1].pk}).content.decode()
    assert _links(page) == newest_open[2:]
    assert "before=" not in page  # the last page
    assert "Newest" in page

    everything = client.get(LIST, {"show": "all"}).content.decode()
    assert _links(everything) == [f"/s47/{closed[0].pk}/", newest_open[0]]
    assert f"?show=all&amp;before={opened[2].pk}" in everything


def test_a_cursor_that_is_not_a_row_one_may_see_starts_at_the_newest(client, enquiry, people):
    first = enquiry()
    client.force_login(people["alice"])
    for before in ("99999999", "9" * 40, "abc", str(first.pk)):
        response = client.get(LIST, {"before": before})
        assert response.status_code == 200
    assert _links(client.get(LIST, {"before": "99999999"}).content.decode()) == [
        f"/s47/{first.pk}/"
    ]
    client.force_login(people["nick"])  # another partnership: never on any page
    for before in ("", str(first.pk)):
        assert _links(client.get(LIST, {"before": before}).content.decode()) == []
