"""The referrals list at any size (issue 15): newest first, a restricted referral only for
those named on it, another partnership's never, and the same number of queries for one
referral as for many."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection

from tests.convening import RECEIVED, make_referral
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _listed(client, path: str = "/referrals/") -> list[str]:
    html = client.get(path).content.decode()
    return re.findall(r'href="/referrals/(\d+)/"', html)


def _queries(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_the_referrals_list_costs_the_same_for_1_or_6(client, people, referral_for):
    referral_for()
    client.force_login(people["bob"])
    one = _queries(client, "/referrals/")
    for _ in range(5):
        referral_for()
    assert len(_listed(client)) == 6
    assert _queries(client, "/referrals/") == one
    assert _queries(client, "/referrals/?status=awaiting_triage") == one


def test_the_referrals_list_is_newest_first_and_shows_only_what_the_reader_may_see(
    client, people, partnership, neighbour, agencies, referral_for
):
    at = [RECEIVED - timedelta(hours=hours) for hours in (5, 1, 3)]
    older, newest, middle = (referral_for(received_at=when) for when in at)
    same_time = referral_for(received_at=at[2])  # a tie: the later id first
    restricted = referral_for(categories=["allegation_against_staff"], named=["hana"])
    assert restricted.restricted
    other = make_referral(
        people=people, partnership=neighbour, agencies=agencies, by="nick", referrer_agency=None
    )
    shown = [str(r.pk) for r in (restricted, newest, same_time, middle, older)]

    client.force_login(people["hana"])  # named on the restricted referral
    assert _listed(client) == shown
    client.force_login(people["bob"])  # not named on it
    assert _listed(client) == shown[1:]
    assert str(other.pk) not in _listed(client)
    client.force_login(people["nick"])  # the neighbour partnership's
    assert _listed(client) == [str(other.pk)]
