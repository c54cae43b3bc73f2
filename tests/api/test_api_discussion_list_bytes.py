"""The discussion list is built without a model per row (issue 15), and says byte for
byte what reading each discussion says: same fields, order, values and JSON."""

from __future__ import annotations

import pytest

from convene.people.factories import ChildFactory
from tests.api.conftest import bearer
from tests.convening import (
    accepted_referral,
    carol_accepts_and_dev_sends_apologies,
    reconvened_after_cancelling,
    scheduled_discussion,
)

pytestmark = pytest.mark.django_db


def _cases(people, partnership, agencies) -> None:
    """Discussions of several shapes: replies (one with apologies), a cancelled one, a
    second child, another kind, a reconvened pair, one with no chair's partner invited."""
    plain = scheduled_discussion(
        referral=accepted_referral(people=people, partnership=partnership, agencies=agencies),
        people=people,
    )
    carol_accepts_and_dev_sends_apologies(plain, people)
    siblings = [
        ChildFactory(partnership=partnership, setting=agencies["primary"]),
        ChildFactory(partnership=partnership, legal_status="child_in_care"),
    ]
    reconvened_after_cancelling(
        people=people, partnership=partnership, agencies=agencies, children=siblings
    )


@pytest.mark.parametrize("who", ["bob", "carol", "dev", "hana"])
def test_R001_8_the_list_says_what_reading_each_discussion_says(
    client, people, partnership, agencies, tokens, who
):
    _cases(people, partnership, agencies)
    token = bearer(tokens[who])
    listed = client.get("/api/discussions/?limit=200", headers=token)
    assert listed.status_code == 200
    ids = [row["id"] for row in listed.json()]
    assert ids or who == "dev"
    each = [client.get(f"/api/discussions/{pk}", headers=token).content for pk in ids]
    assert listed.content == b"[" + b", ".join(each) + b"]"
