"""Data for the kill test, loaded into its own database by ``convene shell``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from convene.clocks.services import clock_start
from convene.people.factories import (
    AgencyFactory,
    ChildFactory,
    PartnershipFactory,
    ProfessionalFactory,
)
from convene.people.vocab import AgencyKind, Role
from convene.policy.vocab import ClockKind


def seed() -> None:
    partnership = PartnershipFactory(name="Kill Test Partnership", policy_id="halton")
    social_care = AgencyFactory(
        name="Kill Test Social Care",
        kind=AgencyKind.SOCIAL_CARE.value,
        email="",
        partnerships=[partnership],
    )
    ProfessionalFactory(username="bob", agency=social_care, roles=[Role.TEAM_MANAGER])
    ProfessionalFactory(username="dina", agency=social_care, roles=[Role.DEPUTY_TEAM_MANAGER])
    now = timezone.now()
    # Past due: the sweep breaches it, escalates it to bob (level 1) and sends
    # the overdue reminder to bob and dina: three emails.
    clock_start(
        partnership=partnership,
        subject=ChildFactory(partnership=partnership),
        kind=ClockKind.CONVENE,
        rule_id="halton.convene.standard",
        policy_id="halton",
        policy_version="2026.1",
        citation="R004.3",
        summary="Held within 3 working days",
        started_at=now - timedelta(days=4),
        due_at=now - timedelta(hours=1),
        by=None,
    )
