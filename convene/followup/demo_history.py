"""A year of demo history (``convene demo --history N``), issue 13: past cases for the reports.

Each case is built through the real services with the clock frozen at its own past
times (``time_machine``, so every ``timezone.now()`` inside a service agrees with the
``now`` it is given): a referral recorded and triaged (some recommendations
overridden), a strategy discussion convened (some late) and held with apologies,
its record written, authorised and distributed (some late), the outcome told, and
for a S47 decision the enquiry's visit and outcome, an ICPC (some beyond 15 working
days, some not required), actions done or left overdue, escalations raised and
resolved, and a few HRPMs for children in care. The cases are spread over the 13
months before ``now``; which case gets what follows its number, so the history is
the same on every fresh load (synthetic: the demo's own children and personas).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction

from convene.clocks.services import clocks_sweep
from convene.followup.demo_cases import CasePlan, People, build_case, build_hrpm, frozen_at
from convene.people.models import Agency, Child, Partnership, Professional
from convene.people.vocab import LegalStatus
from convene.policy.vocab import Decision
from convene.referrals.models import Referral
from convene.workdays import LONDON, london_date

DEFAULT_CASES = 40
FIRST_DAYS_AGO = 395  # 13 months
LAST_DAYS_AGO = 30  # the newest history case: its S47 can be drifting (15 working days)
CURRENT_CHILDREN = 6  # the demo's current referrals use the first six children

# Decisions in turn, S47s the most common (as in a duty team's strategy discussions).
DECISIONS = (
    Decision.CHILD_IN_NEED,
    Decision.S47_JOINT,
    Decision.NO_FURTHER_ACTION,
    Decision.S47_SINGLE_AGENCY,
    Decision.SINGLE_ASSESSMENT,
    Decision.S47_JOINT,
    Decision.S47_JOINT,
)


@dataclass(frozen=True)
class History:
    cases: int
    hrpms: int


def _weekday_at(day_ago: int, now: datetime, hour: int, minute: int) -> datetime:
    day = london_date(now) - timedelta(days=day_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def case_plans(*, count: int, now: datetime, seed: int) -> list[CasePlan]:
    """Which case gets what: late steps, overrides and outcomes by the case's number."""
    rng = random.Random(seed)
    span = FIRST_DAYS_AGO - LAST_DAYS_AGO
    plans = []
    for index in range(count):
        days_ago = FIRST_DAYS_AGO - (span * index) // max(count - 1, 1)
        received = _weekday_at(days_ago, now, rng.randint(8, 13), rng.choice((0, 15, 30, 45)))
        plans.append(
            CasePlan(
                index=index,
                received_at=received,
                decision=DECISIONS[index % len(DECISIONS)],
                overridden=index % 6 == 4,
                triage_late=index % 8 == 5,
                convene_late=index % 5 == 3,
                record_late=index % 6 == 2,
                health_apologies=index % 4 == 1,
                told=index % 10 != 9,
                s47_step=(index // len(DECISIONS)) % 4,
                escalation=index % 9 in (4, 8),
                police_action_overdue=index % 4 == 0,
            )
        )
    return plans


def _people(partnership: Partnership) -> People | None:
    found = {p.username: p for p in Professional.objects.filter(agency__partnerships=partnership)}
    if not {"alice", "bob", "carol", "dev", "erin", "hana", "tom"} <= set(found):
        return None
    police = Agency.objects.filter(partnerships=partnership, kind="police").first()
    return People(by_name=found, police=police)


def _children(partnership: Partnership, count: int) -> tuple[list[Child], list[Child]]:
    """Children for the cases (no plan, not in care) and for the HRPMs (in care)."""
    born = Child.objects.filter(partnership=partnership, date_of_birth__isnull=False)
    current = born.order_by("pk").values_list("pk", flat=True)[:CURRENT_CHILDREN]
    # The few children needed, by query: not the whole caseload read (100,000 in the load
    # bench) to pick 40.
    rest = born.exclude(pk__in=list(current)).order_by("pk")
    usable = [LegalStatus.NONE.value, LegalStatus.CHILD_IN_NEED.value]
    cases = list(rest.filter(legal_status__in=usable)[:count])
    in_care = rest.filter(legal_status=LegalStatus.CHILD_IN_CARE.value)
    return cases, list(in_care[: max(1, count // 13)])


def demo_history(
    *, partnership: Partnership, now: datetime, cases: int, seed: int = 2026
) -> History:
    """Build up to ``cases`` past cases once (nothing when the partnership has any referral
    received more than a week before ``now``: the history is already there)."""
    if cases <= 0:
        return History(0, 0)
    if Referral.objects.filter(
        partnership=partnership, received_at__lt=now - timedelta(days=7)
    ).exists():
        return History(0, 0)
    people = _people(partnership)
    if people is None:
        return History(0, 0)
    children, in_care = _children(partnership, cases)
    plans = case_plans(count=len(children), now=now, seed=seed)
    last_escalation = max((p.index for p in plans if p.escalation), default=-1)
    for plan, child in zip(plans, children, strict=True):
        with transaction.atomic():
            build_case(
                plan=plan,
                child=child,
                partnership=partnership,
                people=people,
                now=now,
                last=plan.index == last_escalation,
            )
    hrpms = 0
    for index, child in enumerate(in_care):
        start = _weekday_at(FIRST_DAYS_AGO - 90 * (index + 1), now, 11, 0)
        with transaction.atomic():
            build_hrpm(child=child, partnership=partnership, people=people, started=start)
        hrpms += 1
    with frozen_at(now):
        clocks_sweep(now=now)  # what the worker does: clocks never met are breached
    return History(cases=len(plans), hrpms=hrpms)
