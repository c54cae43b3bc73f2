"""Synthetic referrals and discussions for the demo partnership, made through the services.

A few referrals in each state, and a scheduled strategy discussion with
invitations (one accepted, one with apologies), so `make run` shows every
page with something on it. Only added when the partnership has no referrals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from convene.discussions.models import Discussion
from convene.discussions.services import discussion_create, invitation_respond
from convene.people.models import Agency, Child, Partnership, Professional
from convene.referrals.models import Referral
from convene.referrals.services import (
    Referrer,
    RiskFacts,
    referral_accept,
    referral_create,
    referral_override,
)
from convene.workdays import LONDON, london_date


@dataclass(frozen=True)
class DemoReferrals:
    referrals: int
    discussions: int


def _referrer(agency: Agency | None, name: str, role: str) -> Referrer:
    if agency is None:
        return Referrer(name=name, organisation="Member of the public", phone="01632 960123")
    return Referrer(
        agency=agency, name=name, role=role, email=f"{name.split()[0].lower()}@example.org"
    )


def demo_referrals(*, partnership: Partnership, now: datetime) -> DemoReferrals:
    if Referral.objects.filter(partnership=partnership).exists():
        return DemoReferrals(0, 0)
    people = {p.username: p for p in Professional.objects.filter(agency__partnerships=partnership)}
    children = list(
        Child.objects.filter(partnership=partnership, date_of_birth__isnull=False).order_by("pk")[
            :6
        ]
    )
    if len(children) < 6 or not {"tom", "bob", "carol", "dev", "erin"} <= set(people):
        return DemoReferrals(0, 0)
    agencies = {a.name: a for a in Agency.objects.filter(partnerships=partnership)}
    school = agencies.get("Riverside Primary School")
    hospital = agencies.get("Riverside Hospitals NHS Trust")
    tom, bob = people["tom"], people["bob"]

    def record(child: Child, hours_ago: int, **kwargs: object) -> Referral:
        return referral_create(
            partnership=partnership,
            received_at=now - timedelta(hours=hours_ago),
            how_received=str(kwargs.pop("how", "phone")),
            referrer=kwargs.pop("referrer"),  # type: ignore[arg-type]
            account=str(kwargs.pop("account")),
            triage_conversation=str(kwargs.pop("conversation", "")),
            categories=list(kwargs.pop("categories")),  # type: ignore[call-overload]
            facts=RiskFacts(**kwargs),  # type: ignore[arg-type]
            children=[child],
            by=tom,
            now=now,
        )

    record(
        children[0],
        1,
        referrer=_referrer(hospital, "Dr Sam Okoye", "Emergency department registrar"),
        account="Brought in with a spiral fracture of the left arm; the explanation given "
        "(fell off the sofa) does not fit the injury.",
        conversation="Spoke to Dr Okoye; the child stays on the ward tonight.",
        categories=["physical", "serious_physical_injury"],
        significant_harm_suspected=True,
        immediate_risk=True,
        in_hospital=True,
        medical_needed=True,
        agencies_key_to_planning=2,
    )
    record(
        children[1],
        3,
        referrer=_referrer(school, "Erin Evans", "Designated safeguarding lead"),
        account="Has come to school hungry and in the same clothes all week; says there is no "
        "food at home.",
        categories=["neglect"],
        significant_harm_suspected=True,
    )
    to_convene = record(
        children[2],
        26,
        how="email",
        referrer=_referrer(school, "Erin Evans", "Designated safeguarding lead"),
        account="Disclosed that an older cousin touches her when he babysits.",
        conversation="Called back; the child is in school and the cousin babysits on Fridays.",
        categories=["sexual"],
        significant_harm_suspected=True,
    )
    referral_accept(referral=to_convene, by=bob, now=now, expected_version=to_convene.version)
    overridden = record(
        children[3],
        5,
        referrer=_referrer(None, "A neighbour", ""),
        account="Missing since last night; seen getting into a car with older men.",
        categories=["missing_episode", "cce"],
        significant_harm_suspected=True,
        exploitation_rating="medium",
    )
    referral_override(
        referral=overridden,
        pathway="strategy_meeting",
        reason="Missing with signs of criminal exploitation: police and the exploitation team "
        "need a strategy meeting today, alongside the trigger meeting.",
        by=bob,
        now=now,
        expected_version=overridden.version,
    )
    missing = record(
        children[4],
        30,
        referrer=_referrer(agencies.get("Shire Constabulary"), "PC Jay Moss", "Response officer"),
        account="Reported missing overnight; returned home this morning, no injuries.",
        categories=["missing_episode"],
        significant_harm_suspected=False,
    )
    referral_accept(referral=missing, by=bob, now=now, expected_version=missing.version)
    convening = record(
        children[5],
        20,
        referrer=_referrer(school, "Erin Evans", "Designated safeguarding lead"),
        account="Bruises on both upper arms, which he says his mum's boyfriend did.",
        categories=["physical"],
        significant_harm_suspected=True,
        medical_needed=True,
        agencies_key_to_planning=2,
    )
    convening = referral_accept(
        referral=convening, by=bob, now=now, expected_version=convening.version
    )
    tomorrow = london_date(now) + timedelta(days=1)
    starts = datetime.combine(tomorrow, time(10, 0), tzinfo=LONDON)
    invitees = [people[name] for name in ("carol", "dev", "erin", "priya") if name in people]
    discussion = discussion_create(
        referral=convening,
        children=[children[5]],
        kind=Discussion.Kind.DISCUSSION,
        chair=bob,
        invitees=invitees,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        venue="Riverside House, meeting room 2",
        virtual_link="https://meet.example.org/riverside-sd",
        by=bob,
        now=now,
    )
    invitations = {i.professional.username: i for i in discussion.invitations.all()}
    invitation_respond(
        invitation=invitations["carol"], response="accepted", by=people["carol"], now=now
    )
    invitation_respond(
        invitation=invitations["dev"],
        response="apologies",
        note="In clinic; Hal Harris (health visitor) will attend for health",
        by=people["dev"],
        now=now,
    )
    return DemoReferrals(referrals=6, discussions=1)
