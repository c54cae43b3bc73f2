"""The conference's outcome for each child: a child protection plan or not (issue 13: Ofsted's
Annex A, List 5 asks "Did the ICPC result in a CP plan?"). Recorded by the Reviewing Service
or children's social care once the conference is held; on the page, through the API and in
the audit log; refused before it is held, for a child it was not about, or half answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from convene.audit.models import AuditEntry
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.followup.conferences import services
from convene.followup.models import Icpc, S47Enquiry
from tests.api.conftest import bearer
from tests.api.conftest import tokens as tokens
from tests.followup.conftest import london, outcome, visit

pytestmark = pytest.mark.django_db

HELD = datetime(2026, 3, 25, 13, 0, tzinfo=UTC)  # the strategy discussion
CONFERENCE = london(2026, 4, 14, 10, 0)  # a Tuesday, within 15 working days
AFTER = london(2026, 4, 14, 15, 0)


@pytest.fixture
def dated(enquiry, people) -> Icpc:
    """A conference about one child in need, confirmed and dated, not yet held."""
    started = enquiry(held_at=HELD, legal_status="child_in_need")
    visited = visit(started, people, at=HELD + timedelta(hours=2))
    done = outcome(visited, people, "significant_harm", now=HELD + timedelta(days=5))
    assert done.icpc is not None
    now = HELD + timedelta(days=6)
    icpc = services.icpc_confirm(icpc=done.icpc, by=people["hana"], now=now)
    return services.icpc_set_date(
        icpc=icpc, conference_at=CONFERENCE, venue="Riverside House", by=people["alice"], now=now
    )


@pytest.fixture
def held(dated, people) -> Icpc:
    return services.icpc_held(icpc=dated, held_at=CONFERENCE, by=people["alice"], now=AFTER)


def _only(icpc: Icpc) -> S47Enquiry:
    (enquiry,) = icpc.enquiries.all()
    return enquiry


def test_the_outcome_is_recorded_per_child_and_audited(held, people):
    enquiry = _only(held)
    assert enquiry.cp_plan is None
    done = services.icpc_outcome_record(
        icpc=held, plans={enquiry.pk: True}, by=people["alice"], now=AFTER
    )
    enquiry.refresh_from_db()
    assert (enquiry.cp_plan, done.version) == (True, held.version + 1)
    entry = AuditEntry.objects.filter(summary__startswith="Recorded the outcome:").get()
    assert entry.summary.startswith("Recorded the outcome: 1 of 1 child on a child protection")
    assert entry.child_id == enquiry.child_id
    # A correction: recorded again, the audit log keeps both.
    services.icpc_outcome_record(icpc=done, plans={enquiry.pk: False}, by=people["bob"], now=AFTER)
    enquiry.refresh_from_db()
    assert enquiry.cp_plan is False
    assert AuditEntry.objects.filter(summary__startswith="Recorded the outcome:").count() == 2


def test_the_outcome_is_refused_before_the_conference_is_held(dated, people):
    enquiry = _only(dated)
    with pytest.raises(Conflict, match="held before its outcome"):
        services.icpc_outcome_record(
            icpc=dated, plans={enquiry.pk: True}, by=people["alice"], now=AFTER
        )
    enquiry.refresh_from_db()
    assert enquiry.cp_plan is None


def test_bad_answers_change_nothing(held, people, enquiry):
    mine = _only(held)
    other = enquiry(held_at=HELD + timedelta(days=1))
    with pytest.raises(Invalid, match="not considered at this conference"):
        services.icpc_outcome_record(
            icpc=held, plans={mine.pk: True, other.pk: True}, by=people["alice"], now=AFTER
        )
    with pytest.raises(Invalid, match="Select whether"):
        services.icpc_outcome_record(icpc=held, plans={}, by=people["alice"], now=AFTER)
    for name in ("carol", "ivy", "nick", "tom"):
        with pytest.raises(NotAllowed):
            services.icpc_outcome_record(
                icpc=held, plans={mine.pk: True}, by=people[name], now=AFTER
            )
    with pytest.raises(Conflict, match="changed by"):
        services.icpc_outcome_record(
            icpc=held, plans={mine.pk: True}, by=people["alice"], now=AFTER, expected_version=1
        )
    assert S47Enquiry.objects.filter(cp_plan__isnull=False).count() == 0


def test_the_outcome_page_records_it_and_shows_an_error(client, held, people):
    enquiry = _only(held)
    client.force_login(people["alice"])
    detail = client.get(reverse("followup:icpc", args=[held.pk])).content.decode()
    url = reverse("followup:icpc-outcome", args=[held.pk])
    assert url in detail
    assert "Record the outcome" in detail
    page = client.get(url).content.decode()
    assert f"Is {enquiry.child.full_name} now on a child protection plan?" in page
    refused = client.post(url, {"version": held.version})
    assert refused.status_code == 200
    assert "Select whether" in refused.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.cp_plan is None
    saved = client.post(url, {"version": held.version, f"plan_{enquiry.pk}": "no"})
    assert saved.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.cp_plan is False
    detail = client.get(reverse("followup:icpc", args=[held.pk])).content.decode()
    assert "no child protection plan" in detail
    assert "Change the outcome" in detail


def test_partners_may_not_record_the_outcome(client, held, people):
    client.force_login(people["carol"])  # invited police: sees it, may not change it
    assert client.get(reverse("followup:icpc-outcome", args=[held.pk])).status_code == 403
    client.force_login(people["nick"])  # another partnership: not told it exists
    assert client.get(reverse("followup:icpc-outcome", args=[held.pk])).status_code == 404


def test_the_outcome_through_the_api(client, tokens, held, people):
    enquiry = _only(held)
    url = f"/api/followup/icpc/{held.pk}/outcome"

    def post(who, body):
        return client.post(url, body, content_type="application/json", headers=bearer(tokens[who]))

    body = {"plans": [{"enquiry_id": enquiry.pk, "cp_plan": True}]}
    with time_machine.travel(AFTER, tick=False):
        assert post("carol", body).status_code in (403, 404)
        assert post("alice", {"plans": []}).status_code == 400
        enquiry.refresh_from_db()
        assert enquiry.cp_plan is None
        done = post("alice", body)
        assert done.status_code == 200, done.json()
        assert done.json()["outcomes"] == [{"enquiry_id": enquiry.pk, "cp_plan": True}]
        read = client.get(f"/api/followup/icpc/{held.pk}", headers=bearer(tokens["bob"]))
        assert read.json()["outcomes"] == [{"enquiry_id": enquiry.pk, "cp_plan": True}]
