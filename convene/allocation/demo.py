"""Demo teams and allocations (``convene demo``): synthetic, like the rest of the demo."""

from __future__ import annotations

from datetime import datetime

from convene.allocation.models import Allocation, Team
from convene.allocation.services import allocation_change
from convene.people.models import Partnership, Professional
from convene.referrals.models import Referral

TEAMS = {
    "Duty and assessment team": ("bob", "alice", "tom"),
    "Child protection team": ("hana",),
}


def demo_teams(*, partnership: Partnership) -> list[Team]:
    """The home partnership's teams, with the demo personas as members (idempotent)."""
    people = {p.username: p for p in Professional.objects.filter(agency__partnerships=partnership)}
    teams = []
    for name, members in TEAMS.items():
        team, _ = Team.objects.get_or_create(partnership=partnership, name=name)
        team.members.add(*[people[m] for m in members if m in people])
        teams.append(team)
    return teams


def demo_allocations(*, partnership: Partnership, now: datetime) -> int:
    """Give alice (the demo social worker) the triaged cases the manager holds, so that her
    "My work" has something in it; the triage already allocated each one to bob."""
    alice = Professional.objects.filter(username="alice").first()
    bob = Professional.objects.filter(username="bob").first()
    if alice is None or bob is None:
        return 0
    team = Team.objects.filter(partnership=partnership, members=alice).first()
    moved = 0
    held_by_bob = Allocation.objects.filter(
        partnership=partnership, referral__isnull=False, ended_at__isnull=True, social_worker=bob
    ).values("referral")
    for referral in Referral.objects.filter(pk__in=held_by_bob).order_by("pk"):
        allocation_change(
            subject=referral,
            social_worker=alice,
            team=team,
            reason="Demo: allocated to the duty social worker",
            by=bob,
            now=now,
        )
        moved += 1
    return moved
