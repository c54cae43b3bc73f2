"""Shared builders for the referral, discussion and notify tests (imported by their conftests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from convene.audit.context import AuditContext
from convene.discussions.models import Discussion
from convene.discussions.services import discussion_create
from convene.people.factories import ChildFactory
from convene.people.models import Agency, Child, Partnership, Professional
from convene.referrals.models import Referral
from convene.referrals.services import (
    NewChild,
    Referrer,
    RiskFacts,
    referral_accept,
    referral_create,
)

# A Wednesday in March 2026 (GMT), far from bank holidays and clock changes.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
RECEIVED = NOW - timedelta(hours=1)


def make_referral(
    *,
    people: dict[str, Professional],
    partnership: Partnership,
    agencies: dict[str, Agency],
    by: str = "tom",
    now: datetime = NOW,
    received_at: datetime = RECEIVED,
    categories: Sequence[str] = ("physical",),
    children: Sequence[Child] | None = None,
    new_children: Sequence[NewChild] = (),
    referrer_agency: str | None = "primary",
    named: Sequence[str] = (),
    context: AuditContext | None = None,
    **facts: Any,
) -> Referral:
    facts.setdefault("significant_harm_suspected", True)
    if children is None and not new_children:
        children = [ChildFactory(partnership=partnership, setting=agencies["primary"])]
    return referral_create(
        partnership=partnership,
        received_at=received_at,
        how_received="phone",
        referrer=Referrer(
            agency=agencies[referrer_agency] if referrer_agency else None,
            organisation="" if referrer_agency else "Member of the public",
            name="Rita Referrer",
            role="Class teacher",
            email="rita@example.org",
            phone="01234 567890",
        ),
        account="Child arrived with bruising to the face and said 'Dad did it'.",
        triage_conversation="Spoke to the class teacher; the child is in school today.",
        categories=list(categories),
        facts=RiskFacts(**facts),
        children=list(children or []),
        new_children=list(new_children),
        named_people=[people[name] for name in named],
        by=people[by],
        now=now,
        context=context,
    )


def accepted_referral(
    *, people: dict[str, Professional], now: datetime = NOW, **kwargs: Any
) -> Referral:
    referral = make_referral(people=people, now=now, **kwargs)
    return referral_accept(
        referral=referral, by=people["bob"], now=now, expected_version=referral.version
    )


def scheduled_discussion(
    *,
    referral: Referral,
    people: dict[str, Professional],
    invitees: Sequence[str] = ("carol", "dev", "erin"),
    chair: str = "bob",
    now: datetime = NOW,
    starts_in: timedelta = timedelta(hours=3),
    **kwargs: Any,
) -> Discussion:
    starts_at = now + starts_in
    return discussion_create(
        referral=referral,
        children=list(referral.children.all()),
        kind=kwargs.pop("kind", referral.chosen_pathway),
        chair=people[chair],
        invitees=[people[name] for name in invitees],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        venue=kwargs.pop("venue", "Riverside House, meeting room 2"),
        virtual_link=kwargs.pop("virtual_link", "https://meet.example.org/sd-1"),
        by=people[kwargs.pop("by", "bob")],
        now=now,
        **kwargs,
    )


def carol_accepts_and_dev_sends_apologies(
    discussion: Discussion, people: dict[str, Professional]
) -> None:
    """Replies of both kinds to ``discussion``'s invitations (carol's and dev's)."""
    from convene.discussions.models import Invitation
    from convene.discussions.services import invitation_respond

    invitations = {
        i.professional.username: i for i in Invitation.objects.filter(discussion=discussion)
    }
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


def reconvened_after_cancelling(
    *,
    people: dict[str, Professional],
    partnership: Partnership,
    agencies: dict[str, Agency],
    children: list[Child],
) -> Discussion:
    """An accepted referral of ``children`` whose first discussion (carol alone invited) was
    cancelled as a duplicate and convened again two days on: the discussion that reconvenes it."""
    from convene.discussions.services import discussion_cancel

    pair = accepted_referral(
        people=people, partnership=partnership, agencies=agencies, children=children
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
    again.refresh_from_db()
    return again


@pytest.fixture
def referral_for(people, partnership, agencies):  # type: ignore[no-untyped-def]
    """make_referral with the personas' partnership and agencies already given."""

    def make(**kwargs: Any) -> Referral:
        return make_referral(people=people, partnership=partnership, agencies=agencies, **kwargs)

    return make


@pytest.fixture
def accepted_for(people, partnership, agencies):  # type: ignore[no-untyped-def]
    def make(**kwargs: Any) -> Referral:
        return accepted_referral(
            people=people, partnership=partnership, agencies=agencies, **kwargs
        )

    return make


# --- Every pathway rule of every shipped pack ---------------------------------------------

# Answers that make each pathway rule the winner (the test checks that it does win).
# `legal_status` is the child's; everything else is a referral answer.
PATHWAY_RECIPES: dict[str, dict[str, Any]] = {
    "england.pathway.no_strategy_discussion": {"significant_harm_suspected": False},
    "england.pathway.strategy_discussion": {},
    "england.pathway.urgent_strategy_discussion": {
        "significant_harm_suspected": False,
        "categories": ["serious_neglect"],
    },
    "gloucestershire.pathway.strategy_discussion": {},
    "gloucestershire.pathway.strategy_meeting_complex": {"complex_concerns": True},
    "gloucestershire.pathway.hrpm_consideration": {
        "significant_harm_suspected": False,
        "ongoing_risk": True,
        "legal_status": "child_in_care",
    },
    "halton.pathway.review_without_new_information": {"review_requested": True},
    "halton.pathway.exploitation_high_multi_agency": {
        "categories": ["cce"],
        "exploitation_rating": "high",
        "agencies_key_to_planning": 2,
    },
    "halton.pathway.exploitation_high": {"categories": ["cse"], "exploitation_rating": "high"},
    "halton.pathway.missing_trigger_meeting": {"categories": ["missing_episode"]},
    "halton.pathway.complex_meeting": {"complex_concerns": True, "agencies_key_to_planning": 3},
    "warwickshire.pathway.immediate_risk_meeting": {"immediate_risk": True},
}


def pathway_rules() -> list[tuple[str, str, str]]:
    """(pack id, rule id, pathway) for every pathway rule in force now in every shipped pack.

    The qs2014 standard has no pathway rules of its own (it is included by the
    partnership packs), so it contributes none here.
    """
    from convene.policy.loader import available_packs, load_pack
    from convene.workdays import london_date

    found = []
    for pack_id in available_packs():
        pack = load_pack(pack_id)
        for rule in pack.rules_in_force(london_date(NOW)):
            if rule.kind == "pathway":
                found.append((pack_id, rule.id, str(rule.pathway)))  # type: ignore[union-attr]
    return found


def without_check_requests(messages: list[Any]) -> list[Any]:
    """The emails of convening, less each partner's request for its agency check (issue 16),
    which goes out beside the invitations (tests/agencychecks)."""
    from convene.agencychecks.convening import REQUEST_SUBJECT

    return [m for m in messages if not m.subject.startswith(REQUEST_SUBJECT)]
