"""R001.14: after the Head of Service confirms, the ICPC is convened by the Reviewing Service.

The Reviewing Service is a role granted to a professional (children's social care of
the partnership). They see the conferences confirmed for their partnership, set the
date and record it held; the ICPC page says who convenes it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from convene.core.errors import NotAllowed
from convene.followup.conferences.selectors import icpcs_visible_to
from convene.followup.conferences.services import icpc_confirm, icpc_held, icpc_set_date
from convene.followup.models import Icpc
from convene.people.factories import ProfessionalFactory
from convene.people.vocab import ROLE_LABELS, Role
from tests.followup.conftest import outcome, visit

pytestmark = pytest.mark.django_db

HELD = datetime(2026, 3, 25, 13, 0, tzinfo=UTC)
CONFIRMED = HELD + timedelta(days=6)
# Conferences are on weekdays (the census's 8875): Tuesday 7 April 2026.


@pytest.fixture
def icpc(enquiry, people) -> Icpc:
    started = enquiry(held_at=HELD, legal_status="child_in_need")
    visited = visit(started, people, at=HELD + timedelta(hours=2))
    done = outcome(visited, people, "significant_harm", now=HELD + timedelta(days=5))
    assert done.icpc is not None
    return done.icpc


@pytest.fixture
def rosa(agencies):
    """Rosa Reed of the Reviewing Service: the role granted, and nothing else."""
    return ProfessionalFactory(
        username="rosa",
        first_name="Rosa",
        last_name="Reed",
        agency=agencies["csc"],
        job_title="Child protection conference chair",
        roles=[Role.REVIEWING_SERVICE],
    )


def _confirm(icpc: Icpc, people) -> Icpc:
    return icpc_confirm(icpc=icpc, note="Agreed", by=people["hana"], now=CONFIRMED)


def test_R001_14_reviewing_service_is_a_role_of_the_vocabulary():
    assert Role("reviewing_service") is Role.REVIEWING_SERVICE
    assert "Reviewing Service" in ROLE_LABELS[Role.REVIEWING_SERVICE]


def test_R001_14_the_reviewing_service_sets_the_date_once_confirmed(icpc, people, rosa):
    icpc = _confirm(icpc, people)
    dated = icpc_set_date(
        icpc=icpc,
        conference_at=HELD + timedelta(days=13),
        venue="Riverside House",
        by=rosa,
        now=CONFIRMED,
    )
    assert dated.state == "date_set"
    held = icpc_held(
        icpc=dated, held_at=HELD + timedelta(days=13), by=rosa, now=HELD + timedelta(days=13)
    )
    assert held.state == "held"


def test_R001_14_the_reviewing_service_sees_confirmed_conferences_only(icpc, people, rosa):
    assert not icpcs_visible_to(user=rosa).exists()
    _confirm(icpc, people)
    assert list(icpcs_visible_to(user=rosa)) == [icpc]


def test_R001_14_the_role_outside_social_care_convenes_nothing(icpc, people, agencies):
    police = ProfessionalFactory(agency=agencies["police"], roles=[Role.REVIEWING_SERVICE])
    icpc = _confirm(icpc, people)
    assert not icpcs_visible_to(user=police).exists()
    with pytest.raises(NotAllowed, match="Reviewing Service"):
        icpc_set_date(
            icpc=icpc,
            conference_at=HELD + timedelta(days=13),
            venue="Riverside House",
            by=police,
            now=CONFIRMED,
        )


def test_R001_14_the_icpc_page_shows_who_convenes_it(client, icpc, people, rosa):
    client.force_login(people["alice"])
    url = reverse("followup:icpc", args=[icpc.pk])
    page = client.get(url).content.decode()
    assert "Convened by" in page
    assert "once the Head of Service confirms it" in page
    assert "Rosa Reed" in page
    _confirm(icpc, people)
    page = client.get(url).content.decode()
    assert "once the Head of Service confirms it" not in page
    assert "The Reviewing Service: Rosa Reed" in page


def test_R001_14_the_reviewing_service_sets_the_date_on_the_page(client, icpc, people, rosa):
    _confirm(icpc, people)
    client.force_login(rosa)
    listed = client.get(reverse("followup:icpc-list")).content.decode()
    assert reverse("followup:icpc", args=[icpc.pk]) in listed
    page = client.get(reverse("followup:icpc", args=[icpc.pk])).content.decode()
    assert reverse("followup:icpc-date", args=[icpc.pk]) in page
    # The S47 enquiry is social care's: Rosa sees the child's name, not a link she cannot use.
    assert reverse("followup:s47", args=[icpc.enquiries.get().pk]) not in page
    icpc.refresh_from_db()
    response = client.post(
        reverse("followup:icpc-date", args=[icpc.pk]),
        {
            "version": icpc.version,
            "conference_on-day": "2",
            "conference_on-month": "4",
            "conference_on-year": "2099",
            "conference_time": "10:00",
            "venue": "Riverside House",
            "late_reason": "The family's solicitor cannot attend sooner",
        },
    )
    assert response.status_code == 302
    icpc.refresh_from_db()
    assert icpc.state == "date_set"


def test_R001_14_a_requested_conference_is_not_the_reviewing_services_yet(
    client, icpc, people, rosa
):
    client.force_login(rosa)
    assert client.get(reverse("followup:icpc", args=[icpc.pk])).status_code == 404
    listed = client.get(reverse("followup:icpc-list")).content.decode()
    assert icpc.reference not in listed
