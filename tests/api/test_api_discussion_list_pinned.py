"""The discussion list's JSON for bob and for carol (a partner) over a hand-made set,
pinned field for field (tests/api/discussion_list_pinned_<persona>.json), so a faster way
of building it (issue 15) cannot change what a client reads. Ids are replaced by their
order of appearance, references and sequence numbers (counters) by a placeholder;
everything else is compared as it is. CONVENE_PIN_WRITE=1 rewrites the files."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

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

# Keys whose values the database or a counter hands out: numbered by first appearance.
NUMBERED = {"id", "referral_id", "chair_id", "professional_id", "reconvenes_id"}


def _cases(people, partnership, agencies) -> None:  # type: ignore[no-untyped-def]
    """Replies (accepted, apologies with a note), two children (a setting, in care), a
    cancelled one, a reconvened pair, a referral from no partner agency, another kind."""
    ann = ChildFactory(
        partnership=partnership,
        first_name="Ann",
        last_name="Smith",
        date_of_birth=date(2015, 5, 1),
        setting=agencies["primary"],
    )
    plain = scheduled_discussion(
        referral=accepted_referral(
            people=people, partnership=partnership, agencies=agencies, children=[ann]
        ),
        people=people,
    )
    carol_accepts_and_dev_sends_apologies(plain, people)
    siblings = [
        ChildFactory(
            partnership=partnership,
            first_name="Ben",
            last_name="Jones",
            date_of_birth=date(2012, 2, 2),
            setting=agencies["primary"],
        ),
        ChildFactory(
            partnership=partnership,
            first_name="Cara",
            last_name="Jones",
            date_of_birth=date(2010, 3, 3),
            legal_status="child_in_care",
        ),
    ]
    reconvened_after_cancelling(
        people=people, partnership=partnership, agencies=agencies, children=siblings
    )
    public = ChildFactory(
        partnership=partnership, first_name="Dan", last_name="Brown", date_of_birth=date(2019, 9, 9)
    )
    scheduled_discussion(
        referral=accepted_referral(
            people=people,
            partnership=partnership,
            agencies=agencies,
            children=[public],
            referrer_agency=None,
        ),
        people=people,
        invitees=("carol", "erin"),
        allow_missing_required=True,
    )


def _normalised(rows: Any) -> Any:
    numbers: dict[tuple[str, object], int] = {}

    def number(key: str, value: object) -> object:
        if value is None:
            return None
        kind = "professional" if key in {"chair_id", "professional_id"} else key
        kind = "discussion" if key in {"reconvenes_id", "reconvened_as_ids"} else kind
        return numbers.setdefault((kind, value), len([k for k in numbers if k[0] == kind]) + 1)

    def walk(value: Any, key: str = "", within: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k, within) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key, key) for v in value]
        if key == "id":  # a discussion's, or an invitation's: numbered apart
            return number("invitation" if within == "invitations" else "discussion", value)
        if key in NUMBERED:
            return number(key, value)
        if key == "reconvened_as_ids":
            return number(key, value)
        if key in {"reference", "sent_sequence", "sequence"}:
            return "<counter>" if value is not None else None
        return value

    # Ids of discussions first, in the order listed, so links number alike.
    for row in rows:
        number("discussion", row["id"])
    return walk(rows)


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_R001_8_the_list_is_pinned_field_for_field(
    client, people, partnership, agencies, tokens, who
):
    _cases(people, partnership, agencies)
    pinned = Path(__file__).with_name(f"discussion_list_pinned_{who}.json")
    listed = client.get("/api/discussions/?limit=200", headers=bearer(tokens[who]))
    assert listed.status_code == 200
    got = _normalised(listed.json())
    if os.environ.get("CONVENE_PIN_WRITE"):  # regenerate after a deliberate change
        pinned.write_text(json.dumps(got, indent=1) + "\n")
    assert got == json.loads(pinned.read_text())
