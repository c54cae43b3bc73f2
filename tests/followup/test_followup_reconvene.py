"""The planned reconvene after a Single Assessment is a first-class step (R002.13, R004.5).

The record set the date to reconvene; a manager convenes the reconvened discussion
directly from it (no "new information" asked for: that is for review discussions),
the two are linked both ways, and holding the reconvened one meets the reconvene
clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.discussions.models import Discussion
from convene.discussions.services import discussion_cancel, discussion_schedule
from convene.followup.reviews.reconvene import reconvene_convene
from convene.followup.reviews.services import review_discussion_request
from convene.policy.vocab import Decision
from convene.records.models import RecordVersion
from convene.records.services import discussion_hold, record_authorise
from convene.workdays import LONDON
from tests.followup.conftest import HELD_AT, clocks_of, fill

pytestmark = pytest.mark.django_db

LATER = HELD_AT + timedelta(days=7)
# The builder sets the date to reconvene 28 days after the discussion: Wednesday 1 April 2026.
DUE = datetime(2026, 4, 1, 23, 59, 59, tzinfo=LONDON)


@pytest.fixture
def single_assessment(make_record, people) -> RecordVersion:
    """Halton: a discussion whose authorised record decided a Single Assessment."""
    record = make_record(pack="halton")
    fill(record, people, Decision.SINGLE_ASSESSMENT)
    return record_authorise(record=record, by=people["bob"], now=HELD_AT + timedelta(hours=1))


def _hold(reconvened: Discussion, people, *, at: datetime) -> None:
    scheduled = discussion_schedule(
        discussion=reconvened,
        starts_at=at,
        ends_at=at + timedelta(hours=1),
        venue="Riverside House",
        chair=people["bob"],
        allow_missing_required=True,
        by=people["bob"],
        now=LATER,
        expected_version=reconvened.version,
    )
    discussion_hold(discussion=scheduled, held_at=at, by=people["bob"], now=at + timedelta(hours=1))


def test_R002_13_a_manager_convenes_the_reconvene_linked_to_the_first(single_assessment, people):
    first = single_assessment.record.discussion
    reconvened = reconvene_convene(discussion=first, by=people["bob"], now=LATER)
    assert reconvened.state == "requested"
    assert reconvened.reconvenes == first
    assert list(first.reconvened_as.all()) == [reconvened]
    assert reconvened.referral == first.referral
    assert set(reconvened.children.all()) == set(first.children.all())
    # The record's date is its timescale: no second convene-by clock runs beside it.
    assert "convene" not in clocks_of(reconvened)
    assert clocks_of(first)["reconvene"].due_at == DUE


def test_R002_13_holding_the_reconvened_discussion_meets_the_reconvene_clock(
    single_assessment, people
):
    first = single_assessment.record.discussion
    reconvened = reconvene_convene(discussion=first, by=people["bob"], now=LATER)
    _hold(reconvened, people, at=datetime(2026, 3, 31, 10, 0, tzinfo=LONDON))
    clock = clocks_of(first)["reconvene"]
    assert clock.state == "met"
    assert clock.met_at == datetime(2026, 3, 31, 10, 0, tzinfo=LONDON)
    assert clock.met_at <= clock.due_at


def test_R002_13_held_after_the_date_is_met_late(single_assessment, people):
    first = single_assessment.record.discussion
    reconvened = reconvene_convene(discussion=first, by=people["bob"], now=LATER)
    _hold(reconvened, people, at=datetime(2026, 4, 2, 10, 0, tzinfo=LONDON))
    clock = clocks_of(first)["reconvene"]
    assert clock.state == "met"
    assert clock.met_at > clock.due_at


def test_R004_5_the_planned_reconvene_asks_for_no_new_information(single_assessment, people):
    """A review without new information is refused; the reconvene the record planned is not."""
    first = single_assessment.record.discussion
    with pytest.raises(Invalid, match="only when new information affects the safeguarding plan"):
        review_discussion_request(
            discussion_or_child=first,
            new_information="",
            effect_on_plan="",
            by=people["bob"],
            now=LATER,
        )
    assert reconvene_convene(discussion=first, by=people["bob"], now=LATER)


@pytest.mark.parametrize("decision", [Decision.S47_JOINT, Decision.CHILD_IN_NEED])
def test_R002_13_only_a_single_assessment_plans_a_reconvene(make_record, people, decision):
    record = make_record(pack="halton")
    fill(record, people, decision)
    record_authorise(record=record, by=people["bob"], now=HELD_AT + timedelta(hours=1))
    with pytest.raises(Conflict, match="ask for a review discussion"):
        reconvene_convene(discussion=record.discussion, by=people["bob"], now=LATER)
    assert Discussion.objects.count() == 1


def test_R002_13_not_before_the_record_is_authorised(make_record, people):
    record = make_record(pack="halton")
    fill(record, people, Decision.SINGLE_ASSESSMENT)
    with pytest.raises(Conflict, match="did not decide a Single Assessment"):
        reconvene_convene(discussion=record.discussion, by=people["bob"], now=LATER)


@pytest.mark.parametrize("name", ["alice", "carol", "ivy"])
def test_R002_13_only_a_social_care_manager_convenes_it(single_assessment, people, name):
    with pytest.raises(NotAllowed):
        reconvene_convene(
            discussion=single_assessment.record.discussion, by=people[name], now=LATER
        )
    assert Discussion.objects.count() == 1


def test_R002_13_reconvened_once_unless_cancelled(single_assessment, people):
    first = single_assessment.record.discussion
    reconvened = reconvene_convene(discussion=first, by=people["bob"], now=LATER)
    with pytest.raises(Conflict, match=f"already reconvened as {reconvened.reference}"):
        reconvene_convene(discussion=first, by=people["bob"], now=LATER)
    discussion_cancel(
        discussion=reconvened,
        reason="The family moved; rearranging",
        by=people["bob"],
        now=LATER,
        expected_version=reconvened.version,
    )
    again = reconvene_convene(discussion=first, by=people["bob"], now=LATER)
    assert again.reconvenes == first


def test_R002_13_the_pages_link_both_ways_and_offer_the_button(client, single_assessment, people):
    first = single_assessment.record.discussion
    client.force_login(people["bob"])
    page = client.get(reverse("discussions:detail", args=[first.pk])).content.decode()
    url = reverse("followup:reconvene", args=[first.pk])
    assert f'href="{url}"' in page
    assert "Convene the reconvened discussion" in page

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "R002.13" in confirm.content.decode()
    response = client.post(url, {})
    reconvened = Discussion.objects.get(reconvenes=first)
    assert response.status_code == 302
    assert response["Location"] == reverse("discussions:detail", args=[reconvened.pk])

    page = client.get(reverse("discussions:detail", args=[first.pk])).content.decode()
    assert "Convene the reconvened discussion" not in page
    assert f">{reconvened.reference}</a> at the end" in page
    assert "Reconvened as" in page
    assert reverse("discussions:detail", args=[reconvened.pk]) in page
    page = client.get(reverse("discussions:detail", args=[reconvened.pk])).content.decode()
    assert f">{first.reference}</a> at the end" in page
    assert "Reconvenes" in page
    assert reverse("discussions:detail", args=[first.pk]) in page


def test_R002_13_no_button_for_a_social_worker_or_another_decision(
    client, single_assessment, people
):
    first = single_assessment.record.discussion
    client.force_login(people["alice"])
    page = client.get(reverse("discussions:detail", args=[first.pk])).content.decode()
    assert "Convene the reconvened discussion" not in page
    assert client.post(reverse("followup:reconvene", args=[first.pk]), {}).status_code == 403
    assert Discussion.objects.count() == 1


def test_R002_13_the_api_links_both_ways(single_assessment, people):
    from ninja.testing import TestClient

    from convene.discussions.api import router

    api = TestClient(router)
    first = single_assessment.record.discussion
    reconvened = reconvene_convene(discussion=first, by=people["bob"], now=LATER)
    body = api.get(f"/{first.pk}", user=people["bob"]).json()
    assert body["reconvenes_id"] is None
    assert body["reconvened_as_ids"] == [reconvened.pk]
    body = api.get(f"/{reconvened.pk}", user=people["bob"]).json()
    assert body["reconvenes_id"] == first.pk
    assert body["reconvened_as_ids"] == []
