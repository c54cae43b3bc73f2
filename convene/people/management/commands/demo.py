from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from convene.allocation.demo import demo_allocations, demo_teams
from convene.discussions.demo import demo_referrals
from convene.followup.demo_history import DEFAULT_CASES, demo_history
from convene.people import personas
from convene.people.demo import demo_load


class Command(BaseCommand):
    help = "Load the synthetic demo partnership and print a sign-in for each persona."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--children",
            type=int,
            default=200,
            help="children to create on first load (default 200)",
        )
        parser.add_argument(
            "--history",
            type=int,
            default=DEFAULT_CASES,
            help=f"past cases over the last 13 months, for the reports (default {DEFAULT_CASES}; "
            "0 for none)",
        )
        parser.add_argument("--quiet-logins", action="store_true", help="do not print sign-ins")

    def handle(
        self, *args: Any, children: int, history: int, quiet_logins: bool, **options: Any
    ) -> None:
        if children < 0 or children > 1_000_000:
            raise CommandError("--children must be between 0 and 1,000,000")
        if history < 0 or history > 1_000:
            raise CommandError("--history must be between 0 and 1,000")
        started = time.perf_counter()
        result = demo_load(children=children)
        # Teams first: a referral triaged by a manager is allocated to the manager's team.
        demo_teams(partnership=result.partnership)
        cases = demo_referrals(partnership=result.partnership, now=timezone.now())
        if cases.referrals:
            demo_allocations(partnership=result.partnership, now=timezone.now())
        past = demo_history(partnership=result.partnership, now=timezone.now(), cases=history)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Demo partnership '{result.partnership.name}' ready: "
            f"{result.children_created} children created in {elapsed:.1f}s."
        )
        if cases.referrals:
            self.stdout.write(
                f"{cases.referrals} referrals and {cases.discussions} strategy discussion added."
            )
        if past.cases:
            self.stdout.write(
                f"A year of history: {past.cases} past cases and {past.hrpms} high-risk "
                "professionals meetings, for the reports."
            )
        if quiet_logins:
            return
        self.stdout.write(f"Sign in at {settings.SITE_URL}/ as any of these (synthetic people):")
        for persona in personas.PERSONAS:
            roles = ", ".join(role.label for role in persona.roles) or "no procedure role"
            self.stdout.write(f"  {persona.username:<8} {persona.job_title} ({roles})")
        self.stdout.write(f"Password for every demo sign-in: {result.password}")
        if settings.CONVENE_DEMO_SKIP_2FA:
            self.stdout.write("Two-factor sign-in is skipped for the demo (CONVENE_DEMO_SKIP_2FA).")
        else:
            self.stdout.write("Each person sets up an authenticator app at their first sign-in.")
