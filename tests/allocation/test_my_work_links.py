"""My work's own links: the start of a case is one click away for those who record concerns."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("persona", "shown"), [("alice", True), ("carol", False)])
def test_my_work_offers_record_a_concern_to_who_records_referrals(client, people, persona, shown):
    """A social worker starts a case from My work (issue 18); a partner is not offered it."""
    client.force_login(people[persona])
    page = client.get(reverse("allocation:my-work")).content.decode()
    assert (f'href="{reverse("referrals:new")}">Record a concern</a>' in page) is shown
