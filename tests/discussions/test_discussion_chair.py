"""Who chairs is checked by the service (and so the API), and the page offers only them (R001.5)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from ninja.testing import TestClient

from convene.core.errors import Invalid
from convene.discussions.api import router
from convene.people.factories import ProfessionalFactory
from convene.people.vocab import Role
from tests.discussions.test_discussion_services import _create, _nothing_convened

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_manager(agencies):
    """A police inspector whose account holds a team manager role: not children's social care."""
    return ProfessionalFactory(
        username="insp",
        first_name="Ian",
        last_name="Inspector",
        agency=agencies["police"],
        roles=[Role.TEAM_MANAGER],
    )


def test_R001_5_a_chair_outside_childrens_social_care_is_refused(
    accepted_for, people, police_manager
):
    referral = accepted_for()
    with pytest.raises(Invalid) as caught:
        _create(referral, people, chair=police_manager)
    assert caught.value.field == "chair"
    assert "Ian Inspector cannot chair" in caught.value.message
    assert "R001.5" in caught.value.message
    _nothing_convened(referral)


def test_R001_5_the_api_refuses_a_chair_outside_childrens_social_care(
    accepted_for, people, police_manager
):
    now = timezone.now()
    referral = accepted_for(now=now, received_at=now - timedelta(hours=1))
    start = now + timedelta(days=1)
    response = TestClient(router).post(
        "",
        json={
            "referral_id": referral.pk,
            "kind": "strategy_discussion",
            "child_ids": [c.pk for c in referral.children.all()],
            "chair_id": police_manager.pk,
            "invitee_ids": [people["carol"].pk, people["dev"].pk, people["erin"].pk],
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "venue": "Riverside House",
        },
        user=people["bob"],
    )
    assert response.status_code == 400
    assert "Ian Inspector cannot chair" in response.json()["detail"]


def test_R001_5_the_convene_page_offers_only_people_who_may_chair(
    client, people, accepted_for, police_manager
):
    now = timezone.now()
    referral = accepted_for(now=now, received_at=now - timedelta(hours=1))
    client.force_login(people["bob"])
    html = client.get(f"/discussions/new/{referral.pk}/").content.decode()
    select = re.search(r'<select[^>]*name="chair".*?</select>', html, re.S)
    assert select is not None
    offered = set(re.findall(r'<option value="(\d+)"', select.group(0)))
    # Halton (with the 2014 standard): a deputy team manager or team manager of social care.
    assert offered == {str(people["bob"].pk), str(people["dina"].pk)}
