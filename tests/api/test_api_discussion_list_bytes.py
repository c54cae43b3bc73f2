"""The discussion list is built without a model per row (issue 15), and says byte for
byte what reading each discussion says: same fields, order, values and JSON."""

from __future__ import annotations

from datetime import timedelta

import pytest

from convene.discussions.models import Discussion, Invitation
from convene.discussions.services import discussion_cancel, invitation_respond
from convene.people.factories import ChildFactory
from tests.api.conftest import bearer
from tests.convening import NOW, accepted_referral, scheduled_discussion

pytestmark = pytest.mark.django_db


def _cases(people, partnership, agencies) -> None:
    """Discussions of several shapes: replies (one with apologies), a cancelled one, a
    second child, another kind, a reconvened pair, one with no chair's partner invited."""
    plain = scheduled_discussion(
        referral=accepted_referral(people=people, partnership=partnership, agencies=agencies),
        people=people,
    )
    invitations = {i.professional.username: i for i in Invitation.objects.filter(discussion=plain)}
    invitation_respond(
        invitation=invitations["carol"], response="accepted", by=people["carol"], now=NOW
    )
    invitation_respond(
        invitation=invitations["dev"],
        response="apologies",
        note="On leave",
        by=people["dev"],
        now=NOW,
    )
    siblings = [
        ChildFactory(partnership=partnership, setting=agencies["primary"]),
        ChildFactory(partnership=partnership, legal_status="child_in_care"),
    ]
    pair = accepted_referral(
        people=people, partnership=partnership, agencies=agencies, children=siblings
    )
    first = scheduled_discussion(
        referral=pair, people=people, invitees=("carol",), allow_missing_required=True
    )
    cancelled = discussion_cancel(
        discussion=first,
        reason="Duplicate",
        by=people["bob"],
        now=NOW,
        expected_version=first.version,
    )
    again = scheduled_discussion(
        referral=pair, people=people, starts_in=timedelta(days=2), virtual_link=""
    )
    Discussion.objects.filter(pk=again.pk).update(reconvenes=cancelled)


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
